using Azure.Data.Tables;
using AcsFunctions.Rollups;

namespace AcsFunctions.Health;

/// <summary>
/// What the pipeline did with the units of one category from one source partition: counts, dead letters per reason,
/// the latest event / enqueued / ingest times and the lag distributions (seconds; mergeable log histograms).
/// <c>Records = Stored + Unclassified + DeadLettered</c>. Merging two counters gives the counters of both sets of units.
/// Not thread-safe.
/// </summary>
public sealed class HealthCounters
{
    /// <summary>Units received (records, plus undecodable bodies or lines counted once each).</summary>
    public long Records { get; set; }

    /// <summary>Records stored as typed rows.</summary>
    public long Stored { get; set; }

    /// <summary>Records of categories without a handler, stored raw.</summary>
    public long Unclassified { get; set; }

    /// <summary>Units dead-lettered.</summary>
    public long DeadLettered { get; set; }

    /// <summary>Dead letters per reason code.</summary>
    public ReasonCounts DeadLetteredByReason { get; private set; } = new();

    /// <summary>The latest event time of a unit (when it had one).</summary>
    public DateTimeOffset? LastEventTime { get; private set; }

    /// <summary>The latest Event Hubs enqueued time of a unit (Event Hubs sources only).</summary>
    public DateTimeOffset? LastEnqueuedTime { get; private set; }

    /// <summary>When a unit of this row was last ingested.</summary>
    public DateTimeOffset? LastIngestTime { get; private set; }

    /// <summary>Ingest time − enqueued time, seconds (units with an enqueued time).</summary>
    public Distribution IngestLagSeconds { get; private set; } = new();

    /// <summary>Enqueued time − event time, seconds (units with both).</summary>
    public Distribution DeliveryLagSeconds { get; private set; } = new();

    /// <summary>Records a unit's times; negative lags (clock skew between ACS, Event Hubs and us) count as 0.</summary>
    public void See(DateTimeOffset? eventTime, DateTimeOffset? enqueuedTime, DateTimeOffset ingestTime)
    {
        LastEventTime = Latest(LastEventTime, eventTime);
        LastEnqueuedTime = Latest(LastEnqueuedTime, enqueuedTime);
        LastIngestTime = Latest(LastIngestTime, ingestTime);
        if (enqueuedTime is { } enqueued)
        {
            IngestLagSeconds.Add(Math.Max(0, (ingestTime - enqueued).TotalSeconds));
            if (eventTime is { } time)
            {
                DeliveryLagSeconds.Add(Math.Max(0, (enqueued - time).TotalSeconds));
            }
        }
    }

    /// <summary>Adds every count, reason, time and lag of <paramref name="other"/>.</summary>
    public void Merge(HealthCounters other)
    {
        Records += other.Records;
        Stored += other.Stored;
        Unclassified += other.Unclassified;
        DeadLettered += other.DeadLettered;
        DeadLetteredByReason.Merge(other.DeadLetteredByReason);
        LastEventTime = Latest(LastEventTime, other.LastEventTime);
        LastEnqueuedTime = Latest(LastEnqueuedTime, other.LastEnqueuedTime);
        LastIngestTime = Latest(LastIngestTime, other.LastIngestTime);
        IngestLagSeconds.Merge(other.IngestLagSeconds);
        DeliveryLagSeconds.Merge(other.DeliveryLagSeconds);
    }

    /// <summary>Writes the columns of a health row.</summary>
    public void WriteTo(TableEntity entity)
    {
        entity["Records"] = Records;
        entity["Stored"] = Stored;
        entity["Unclassified"] = Unclassified;
        entity["DeadLettered"] = DeadLettered;
        entity["DeadLetteredByReason"] = DeadLetteredByReason.ToJson();
        entity["LastEventTime"] = LastEventTime;
        entity["LastEnqueuedTime"] = LastEnqueuedTime;
        entity["LastIngestTime"] = LastIngestTime;
        IngestLagSeconds.WriteTo(entity, "IngestLagSeconds");
        DeliveryLagSeconds.WriteTo(entity, "DeliveryLagSeconds");
    }

    /// <summary>Reads what <see cref="WriteTo"/> wrote.</summary>
    /// <exception cref="FormatException">A histogram column is malformed.</exception>
    public static HealthCounters ReadFrom(TableEntity entity) => new()
    {
        Records = (long)(EntityValues.Number(entity, "Records") ?? 0),
        Stored = (long)(EntityValues.Number(entity, "Stored") ?? 0),
        Unclassified = (long)(EntityValues.Number(entity, "Unclassified") ?? 0),
        DeadLettered = (long)(EntityValues.Number(entity, "DeadLettered") ?? 0),
        DeadLetteredByReason = ReasonCounts.FromJson(EntityValues.Text(entity, "DeadLetteredByReason")),
        LastEventTime = EntityValues.Time(entity, "LastEventTime"),
        LastEnqueuedTime = EntityValues.Time(entity, "LastEnqueuedTime"),
        LastIngestTime = EntityValues.Time(entity, "LastIngestTime"),
        IngestLagSeconds = Distribution.ReadFrom(entity, "IngestLagSeconds"),
        DeliveryLagSeconds = Distribution.ReadFrom(entity, "DeliveryLagSeconds"),
    };

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) =>
        a is { } x && b is { } y ? (x >= y ? x : y) : a ?? b;
}
