namespace AcsFunctions.Decoding;

/// <summary>One event body as received (bytes), with where it came from.</summary>
/// <param name="Data">The UTF-8 bytes of the body.</param>
/// <param name="Lineage">Where the body came from.</param>
public sealed record EventBody(ReadOnlyMemory<byte> Data, Lineage Lineage)
{
    /// <summary>
    /// Source bodies this one counts as: 1, or 0 for the second and later parts of one document that file ingest
    /// split record by record (<see cref="RecordsArraySplitter"/>), the rest after a break included, so a split document
    /// still counts as one body.
    /// </summary>
    public int SourceBodies { get; init; } = 1;

    /// <summary>
    /// True for whole lines of a file or blob already known to be NDJSON (a chunk <see cref="FileBodySource"/> or the backfill
    /// cut): decoded line by line whatever the lines hold, each non-blank line one body, so counts do not depend on chunking.
    /// </summary>
    public bool IsNdjson { get; init; }

    /// <summary>
    /// Set on the rest of a file whose records container broke part-way (<see cref="FileBodySource"/>), to why it broke: the
    /// rest is one <c>invalid-json</c> dead letter with this detail, whatever it holds (blank, when the file ends right after a
    /// whole record, before its array or object is closed).
    /// </summary>
    public string? Unfinished { get; init; }

    /// <summary>Creates a body from a string (as the Functions Event Hubs binding delivers it).</summary>
    public static EventBody FromString(string text, Lineage? lineage = null) =>
        new(System.Text.Encoding.UTF8.GetBytes(text), lineage ?? Lineage.None);
}
