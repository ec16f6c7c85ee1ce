using System.Diagnostics.Metrics;
using AcsFunctions.Ingestion;

namespace AcsFunctions.FunctionApp;

/// <summary>
/// The pipeline's counters as the operators see them in Application Insights (customMetrics), from the meter
/// <see cref="MeterName"/>: records, stored, unclassified, dead-lettered (tagged with the reason), failed batch attempts
/// (tagged with the kind of failure), batches dead-lettered whole, and the ingest lag (enqueued → stored, seconds). Every measurement is tagged with the Event Hubs partition.
/// </summary>
public sealed class FunctionAppTelemetry
{
    /// <summary>The meter every instrument belongs to.</summary>
    public const string MeterName = "AcsFunctions.FunctionApp";

    private static readonly Meter _meter = new(MeterName);

    /// <summary>Records found in Event Hubs bodies.</summary>
    public static readonly Counter<long> Records = _meter.CreateCounter<long>("acs.ingest.records", "{record}", "Records found in the event bodies");

    /// <summary>Records stored as typed rows.</summary>
    public static readonly Counter<long> Stored = _meter.CreateCounter<long>("acs.ingest.stored", "{record}", "Records stored as typed rows");

    /// <summary>Records of categories without a handler, stored raw.</summary>
    public static readonly Counter<long> Unclassified = _meter.CreateCounter<long>("acs.ingest.unclassified", "{record}", "Records stored raw (no schema handler)");

    /// <summary>Dead-lettered units, tagged <c>reason</c>.</summary>
    public static readonly Counter<long> DeadLettered = _meter.CreateCounter<long>("acs.ingest.dead_lettered", "{record}", "Units dead-lettered, by reason");

    /// <summary>
    /// Batch attempts that failed and will be attempted again, tagged <c>failure</c>: <c>availability</c> (a storage
    /// outage or refusal, held without limit) or <c>deterministic</c> (anything else, counted toward PoisonAfterAttempts).
    /// </summary>
    public static readonly Counter<long> BatchAttemptFailed = _meter.CreateCounter<long>("acs.ingest.batch_attempts_failed", "{attempt}", "Batch attempts that failed and are retried");

    /// <summary>Batches set aside: every body dead-lettered whole (<c>batch-failed</c>) after PoisonAfterAttempts deterministic failures.</summary>
    public static readonly Counter<long> BatchesDeadLettered = _meter.CreateCounter<long>("acs.ingest.batches_dead_lettered", "{batch}", "Batches dead-lettered whole after failing on every attempt");

    /// <summary>Seconds from Event Hubs' enqueued time to the batch being stored, one measurement per event.</summary>
    public static readonly Histogram<double> Lag = _meter.CreateHistogram<double>("acs.ingest.lag", "s", "Enqueued time to stored");

    private readonly TimeProvider _time;

    /// <summary>Creates the recorder.</summary>
    public FunctionAppTelemetry(TimeProvider time)
    {
        _time = time;
    }

    /// <summary>Records one ingested batch.</summary>
    public void BatchIngested(string partition, IngestResult result, IReadOnlyList<DateTime>? enqueuedTimesUtc)
    {
        ArgumentNullException.ThrowIfNull(result);
        var tag = new KeyValuePair<string, object?>("partition", partition);
        Records.Add(result.Records, tag);
        Stored.Add(result.Stored, tag);
        Unclassified.Add(result.Unclassified, tag);
        foreach (var (reason, count) in result.DeadLetteredByReason)
        {
            DeadLettered.Add(count, tag, new KeyValuePair<string, object?>("reason", reason));
        }

        var now = _time.GetUtcNow();
        foreach (var enqueued in enqueuedTimesUtc ?? [])
        {
            var utc = new DateTimeOffset(DateTime.SpecifyKind(enqueued, DateTimeKind.Utc), TimeSpan.Zero);
            Lag.Record(Math.Max(0, (now - utc).TotalSeconds), tag);
        }
    }
}
