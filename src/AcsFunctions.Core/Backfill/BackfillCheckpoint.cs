namespace AcsFunctions.Backfill;

/// <summary>How far one archive blob has been ingested.</summary>
public sealed record BackfillCheckpoint
{
    /// <summary>The blob's ETag when the checkpoint was written.</summary>
    public required string ETag { get; init; }

    /// <summary>Lines stored (or dead-lettered) so far; the next run starts at line <c>LinesDone + 1</c>.</summary>
    public required long LinesDone { get; init; }

    /// <summary>Byte offset the next run starts at (always just after a line end).</summary>
    public required long BytesDone { get; init; }

    /// <summary>Blob length when the checkpoint was written.</summary>
    public required long Length { get; init; }

    /// <summary>Records ingested from this blob so far (all runs).</summary>
    public long Records { get; init; }

    /// <summary>Length of the tail the hash covers (the last bytes before <see cref="BytesDone"/>).</summary>
    public int TailLength { get; init; }

    /// <summary>Hash of the last <see cref="TailLength"/> bytes before <see cref="BytesDone"/>: proves a changed blob only grew.</summary>
    public string? TailHash { get; init; }

    /// <summary>When the checkpoint was written.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}
