namespace AcsFunctions.Health;

/// <summary>
/// One <c>health</c> row: what the pipeline did with the units of one category from one source partition during the
/// ingest hours in range, plus the category's current roll-up backlog. Counts are deliveries (a re-delivered record
/// counts again); <c>records = stored + unclassified + deadLettered</c>.
/// </summary>
public sealed record HealthRow
{
    /// <summary>Canonical category; <c>(unknown)</c> for units dead-lettered before their category was known.</summary>
    public required string Category { get; init; }

    /// <summary><c>eventhub</c>, <c>file</c> (CLI ingest, backfill) or <c>none</c>; null on a backlog-only row.</summary>
    public string? SourceType { get; init; }

    /// <summary>The Event Hubs partition id, or the file / archive blob; null on a backlog-only row.</summary>
    public string? Source { get; init; }

    /// <summary>Units received.</summary>
    public long Records { get; init; }

    /// <summary>Stored as typed rows.</summary>
    public long Stored { get; init; }

    /// <summary>Stored raw (no handler for the category).</summary>
    public long Unclassified { get; init; }

    /// <summary>Dead-lettered.</summary>
    public long DeadLettered { get; init; }

    /// <summary>Dead letters per reason code.</summary>
    public IReadOnlyDictionary<string, long> DeadLetteredByReason { get; init; } = new SortedDictionary<string, long>(StringComparer.Ordinal);

    /// <summary>Latest event time seen.</summary>
    public DateTimeOffset? LastEventTime { get; init; }

    /// <summary>Latest Event Hubs enqueued time seen.</summary>
    public DateTimeOffset? LastEnqueuedTime { get; init; }

    /// <summary>When a unit was last ingested.</summary>
    public DateTimeOffset? LastIngestTime { get; init; }

    /// <summary>Ingest time − enqueued time, median (seconds).</summary>
    public double? IngestLagSecondsP50 { get; init; }

    /// <summary>Ingest time − enqueued time, 95th percentile (seconds).</summary>
    public double? IngestLagSecondsP95 { get; init; }

    /// <summary>Ingest time − enqueued time, 99th percentile (seconds).</summary>
    public double? IngestLagSecondsP99 { get; init; }

    /// <summary>Ingest time − enqueued time, maximum (seconds).</summary>
    public double? IngestLagSecondsMax { get; init; }

    /// <summary>Enqueued time − event time, median (seconds).</summary>
    public double? DeliveryLagSecondsP50 { get; init; }

    /// <summary>Enqueued time − event time, 95th percentile (seconds).</summary>
    public double? DeliveryLagSecondsP95 { get; init; }

    /// <summary>Enqueued time − event time, 99th percentile (seconds).</summary>
    public double? DeliveryLagSecondsP99 { get; init; }

    /// <summary>Enqueued time − event time, maximum (seconds).</summary>
    public double? DeliveryLagSecondsMax { get; init; }

    /// <summary>Roll-up marks of the category pending now (windows and calls not yet rolled up).</summary>
    public int RollupPendingWindows { get; init; }

    /// <summary>Seconds since the oldest pending mark of the category was written (null when none is pending).</summary>
    public double? RollupOldestPendingSeconds { get; init; }

    /// <summary>
    /// Of the pending marks, those leased by a roll-up now — running, or stopped (killed) and not yet taken over. Runs
    /// skip them until <see cref="RollupLeasedUntil"/>; queries flag their windows incomplete meanwhile.
    /// </summary>
    public int RollupLeasedMarks { get; init; }

    /// <summary>When the last of those leases ends (null when none is leased).</summary>
    public DateTimeOffset? RollupLeasedUntil { get; init; }
}
