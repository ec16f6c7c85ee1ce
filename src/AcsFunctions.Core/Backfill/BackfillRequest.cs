namespace AcsFunctions.Backfill;

/// <summary>What to backfill.</summary>
public sealed record BackfillRequest
{
    /// <summary>Categories to read (case-insensitive); empty = every <c>insights-logs-*</c> container.</summary>
    public IReadOnlyCollection<string> Categories { get; init; } = [];

    /// <summary>ACS resource ids to read (case-insensitive); empty = every resource in the archive. Listing is by prefix, so this is cheap.</summary>
    public IReadOnlyCollection<string> Resources { get; init; } = [];

    /// <summary>Start of the range: blobs whose hour contains or follows this instant.</summary>
    public required DateTimeOffset From { get; init; }

    /// <summary>End of the range (exclusive): blobs whose hour starts before this instant.</summary>
    public required DateTimeOffset To { get; init; }

    /// <value>Default 4 MiB. Bytes per pipeline call and checkpoint (memory stays around a few times this).</value>
    public int ChunkBytes { get; init; } = ArchiveChunkReader.DefaultChunkBytes;

    /// <value>Default 2 h. A blob is final (its unterminated last line is taken as is) once its hour ended this long ago.</value>
    public TimeSpan FinalAfter { get; init; } = TimeSpan.FromHours(2);
}
