namespace AcsFunctions.Dispatch;

/// <summary>The result of handling one record: an enriched record, or a reason to dead-letter it.</summary>
public readonly struct HandlerOutcome
{
    private HandlerOutcome(EnrichedRecord? record, string? reason, string? detail)
    {
        Record = record;
        DeadLetterReason = reason;
        DeadLetterDetail = detail;
    }

    /// <summary>The enriched record, when the handler accepted it.</summary>
    public EnrichedRecord? Record { get; }

    /// <summary>Why the record must be dead-lettered (one of <see cref="Decoding.DeadLetterReasons"/>).</summary>
    public string? DeadLetterReason { get; }

    /// <summary>A human-readable explanation.</summary>
    public string? DeadLetterDetail { get; }

    /// <summary>Accept the record.</summary>
    public static HandlerOutcome Store(EnrichedRecord record) => new(record, null, null);

    /// <summary>Reject the record into the dead-letter table.</summary>
    public static HandlerOutcome DeadLetter(string reason, string detail) => new(null, reason, detail);

    /// <summary>Implicit conversion so handlers can return the record directly.</summary>
    public static implicit operator HandlerOutcome(EnrichedRecord record) => Store(record);
}
