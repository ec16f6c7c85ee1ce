namespace AcsFunctions.Backfill;

/// <summary>A run of complete lines of an archive blob, with where it sits in the blob.</summary>
/// <param name="Data">The bytes (whole lines; the last one may lack its newline at the end of a finished blob).</param>
/// <param name="FirstLine">1-based line number of the first line.</param>
/// <param name="Lines">Number of lines (blank ones included, as line numbers count them).</param>
/// <param name="StartOffset">Byte offset of the first byte in the blob.</param>
public sealed record ArchiveChunk(ReadOnlyMemory<byte> Data, long FirstLine, long Lines, long StartOffset)
{
    /// <summary>Byte offset just after the chunk (where the next read starts).</summary>
    public long EndOffset => StartOffset + Data.Length;

    /// <summary>Number of lines done once this chunk is stored.</summary>
    public long LinesDone => FirstLine - 1 + Lines;

    /// <summary>True when the chunk is whole NDJSON lines (not a blob read whole as one document): decoded line by line.</summary>
    public bool IsNdjson { get; init; }
}
