namespace AcsFunctions.Decoding;

/// <summary>A body, line or record that cannot be stored as a typed row, with the reason and the original bytes.</summary>
/// <param name="Reason">One of <see cref="DeadLetterReasons"/>.</param>
/// <param name="Detail">A human-readable explanation (parser message, handler error, …).</param>
/// <param name="Payload">The original bytes of the body, line or record.</param>
/// <param name="Lineage">Where it came from.</param>
/// <param name="Category">The record's category, when known.</param>
/// <param name="EventTime">The record's event time, when known.</param>
public sealed record DeadLetter(
    string Reason,
    string Detail,
    ReadOnlyMemory<byte> Payload,
    Lineage Lineage,
    string? Category = null,
    DateTimeOffset? EventTime = null);
