namespace AcsFunctions.Queries;

/// <summary>One <c>dead-letters</c> row: a body, line or record that was not stored as a typed row, and why.</summary>
public sealed record DeadLetterRow
{
    /// <summary>When it arrived (enqueued time), else its event time, else when it was dead-lettered (UTC).</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>The stable reason code (e.g. <c>invalid-json</c>).</summary>
    public required string Reason { get; init; }

    /// <summary>The record's category, when known.</summary>
    public string? Category { get; init; }

    /// <summary>What exactly was wrong.</summary>
    public string? Detail { get; init; }

    /// <summary>Where it came from (file:line, or Event Hubs partition and sequence number).</summary>
    public required string Source { get; init; }

    /// <summary>The dead-letter row's PartitionKey (its day).</summary>
    public required string PartitionKey { get; init; }

    /// <summary>The dead-letter row's RowKey (<c>reason|payload hash</c>).</summary>
    public required string RowKey { get; init; }
}
