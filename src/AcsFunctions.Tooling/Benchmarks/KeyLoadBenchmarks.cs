using System.Globalization;
using System.Text;
using AcsFunctions.Decoding;
using AcsFunctions.Health;
using AcsFunctions.Ingestion;
using AcsFunctions.Storage;

namespace AcsFunctions.Benchmarks;

/// <summary>The writes one table received during a P7 run: per partition key and second of event time.</summary>
/// <param name="Table">Logical table.</param>
/// <param name="Writes">Entity writes in the run.</param>
/// <param name="Partitions">Distinct partition keys written.</param>
/// <param name="Max">The busiest partition's writes in its busiest second.</param>
/// <param name="P99">The 99th percentile of writes per (partition, second) over the cells that received any.</param>
/// <param name="Busiest">The partition key of <paramref name="Max"/>.</param>
public sealed record TableKeyLoad(string Table, long Writes, int Partitions, int Max, int P99, string Busiest);

/// <summary>A P7 run with one number of ingesting instances.</summary>
/// <param name="Instances">Parallel ingesting instances (Event Hubs partitions).</param>
/// <param name="Records">Records generated.</param>
/// <param name="Batches">Pipeline batches (all instances).</param>
/// <param name="AccountMax">All tables' writes in the busiest second (the storage account's load).</param>
/// <param name="Tables">Per table, busiest first.</param>
public sealed record KeyLoadRun(int Instances, long Records, int Batches, long AccountMax, IReadOnlyList<TableKeyLoad> Tables)
{
    /// <summary>The busiest partition of any table, writes per second.</summary>
    public int Max => Tables.Count == 0 ? 0 : Tables.Max(t => t.Max);
}

/// <summary>
/// P7 (issue #20): one resource and one category at <c>rate</c> records per second of event time for a number of
/// seconds, delivered round-robin to N Event Hubs partitions (ingesting instances) as events of
/// <c>recordsPerEvent</c> records, each instance taking batches of <c>eventsPerBatch</c> events (the host's
/// <c>maxEventBatchSize</c>). Every batch goes through the real pipeline's preparation (decode, dispatch, enrich,
/// keys, dead letters, roll-up marks) without storage, and the writes it would make are counted per table,
/// partition key and second: records and dead letters at their event time, the batch's marks and health rows at
/// the time of its last event (when it is ingested). Computed from keys, so exact and machine-independent.
/// </summary>
public static class KeyLoadBenchmarks
{
    /// <summary>The per-partition target of Table Storage, entities/s.</summary>
    public const int PartitionTarget = 2_000;

    /// <summary>The per-account target of Table Storage, entities/s.</summary>
    public const int AccountTarget = 20_000;

    /// <summary>The goal of issue #20: the busiest partition of every table at most this many writes/s.</summary>
    public const int Goal = 1_500;

    private const string Category = "ChatOperational";
    private const string ResourceId = "/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000020/RESOURCEGROUPS/P7/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/P7-BUSY";
    private static readonly DateTimeOffset _start = new(2026, 12, 5, 18, 0, 0, TimeSpan.Zero);

    /// <summary>Runs P7 with <paramref name="instances"/> ingesting instances.</summary>
    public static KeyLoadRun Measure(IngestPipeline pipeline, int rate, int instances, int seconds = 60, int recordsPerEvent = 1, int eventsPerBatch = 100, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentOutOfRangeException.ThrowIfLessThan(rate, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(instances, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(seconds, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(recordsPerEvent, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(eventsPerBatch, 1);
        var records = (long)rate * seconds;
        var events = (records + recordsPerEvent - 1) / recordsPerEvent;

        // (table, partition key, second) → writes
        var cells = new Dictionary<(string Table, string Partition, long Second), int>();
        void Count(string table, string partition, DateTimeOffset time, int writes = 1)
        {
            var key = (table, partition, (long)Math.Floor((time - _start).TotalSeconds));
            cells[key] = cells.GetValueOrDefault(key) + writes;
        }

        var batches = 0;
        for (var instance = 0; instance < instances; instance++)
        {
            var partition = instance.ToString(CultureInfo.InvariantCulture);
            var batch = new List<EventBody>(eventsPerBatch);
            DateTimeOffset last = default;
            for (var e = (long)instance; e < events; e += instances)
            {
                var body = Event(e, recordsPerEvent, records, rate, partition, out last);
                batch.Add(body);
                if (batch.Count == eventsPerBatch)
                {
                    CountBatch(pipeline, batch, partition, last, Count, cancellationToken);
                    batches++;
                    batch.Clear();
                }
            }

            if (batch.Count > 0)
            {
                CountBatch(pipeline, batch, partition, last, Count, cancellationToken);
                batches++;
            }
        }

        var tables = cells.GroupBy(c => c.Key.Table, StringComparer.Ordinal).Select(g =>
        {
            var sorted = g.Select(c => c.Value).Order().ToArray();
            var busiest = g.MaxBy(c => c.Value);
            return new TableKeyLoad(
                g.Key,
                sorted.Sum(v => (long)v),
                g.Select(c => c.Key.Partition).Distinct(StringComparer.Ordinal).Count(),
                busiest.Value,
                sorted[Math.Max(0, (int)Math.Ceiling(sorted.Length * 0.99) - 1)],
                busiest.Key.Partition);
        }).OrderByDescending(t => t.Max).ThenBy(t => t.Table, StringComparer.Ordinal).ToList();
        var account = cells.GroupBy(c => c.Key.Second).Select(g => g.Sum(c => (long)c.Value)).DefaultIfEmpty().Max();
        return new KeyLoadRun(instances, records, batches, account, tables);
    }

    /// <summary>P7 as one benchmark figure per run: the busiest partition of any table against the per-partition target.</summary>
    public static BenchFigure Figure(KeyLoadRun run, int rate, int recordsPerEvent, int eventsPerBatch)
    {
        ArgumentNullException.ThrowIfNull(run);
        var tables = string.Join("; ", run.Tables.Select(t => $"{t.Table} max {t.Max:N0}/s p99 {t.P99:N0}/s over {t.Partitions:N0} partitions"));
        return new BenchFigure(
            $"P7 ×{run.Instances}",
            $"busiest partition at {rate:N0} records/s of one resource × category, {run.Instances} ingesting instance(s), vs the ~{PartitionTarget:N0}/s partition target",
            run.Max,
            PartitionTarget,
            "writes/s",
            $"≤ {Goal:N0}/s",
            run.Max <= Goal,
            $"{run.Records:N0} records in {run.Batches:N0} batches ({recordsPerEvent} record(s)/event, {eventsPerBatch} events/batch); account {run.AccountMax:N0}/s in the busiest second; {tables}");
    }

    private static void CountBatch(IngestPipeline pipeline, List<EventBody> bodies, string partition, DateTimeOffset ingested, Action<string, string, DateTimeOffset, int> count, CancellationToken cancellationToken)
    {
        var state = pipeline.Preparer.Prepare(bodies, cancellationToken).State;
        var categories = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in state.Pending)
        {
            count(record.Write.Table, record.Write.Entity.PartitionKey, record.Time, 1);
            categories.Add(record.Category);
        }

        foreach (var dead in state.DeadLetters)
        {
            count(dead.Table, dead.Entity.PartitionKey, dead.Entity.GetDateTimeOffset("SourceEnqueuedTime") ?? ingested, 1);
            categories.Add(dead.Entity.GetString("Category") ?? HealthKey.UnknownCategory);
        }

        foreach (var mark in state.Marks.Values)
        {
            count(TableNames.RollupPending, mark.PartitionKey, ingested, 1);
        }

        // The health observer adds one row per category of the batch's source (one transaction per source).
        count(HealthStore.Table, HealthStore.PartitionKey(ingested, HealthSource.Of(bodies[0].Lineage)), ingested, categories.Count);
    }

    /// <summary>Event <paramref name="index"/>: <c>{"records":[…]}</c> with its records, on Event Hubs partition <paramref name="partition"/>.</summary>
    private static EventBody Event(long index, int recordsPerEvent, long records, int rate, string partition, out DateTimeOffset last)
    {
        var sb = new StringBuilder(420 * recordsPerEvent).Append("{\"records\":[");
        var first = index * recordsPerEvent;
        var end = Math.Min(records, first + recordsPerEvent);
        last = _start;
        for (var i = first; i < end; i++)
        {
            var time = _start.AddTicks(i * TimeSpan.TicksPerSecond / rate);
            last = time;
            if (i > first)
            {
                sb.Append(',');
            }

            sb.Append(CultureInfo.InvariantCulture, $"{{\"time\":\"{time:O}\",\"resourceId\":\"{ResourceId}\",\"category\":\"{Category}\",\"operationName\":\"CreateThread\",")
                .Append(CultureInfo.InvariantCulture, $"\"operationVersion\":\"2024-03-07\",\"correlationId\":\"{i:x8}-0000-4000-8000-{i:x12}\",\"resultType\":\"Succeeded\",")
                .Append(CultureInfo.InvariantCulture, $"\"resultSignature\":\"201\",\"durationMs\":\"{i % 97 + 3}\",\"callerIpAddress\":\"203.0.113.24\",\"level\":\"Informational\",")
                .Append("\"properties\":{\"URI\":\"https://p7-busy.communication.azure.com/chat/threads?api-version=2024-03-07\"}}");
        }

        sb.Append("]}");
        return EventBody.FromString(sb.ToString(), new Lineage { PartitionId = partition, SequenceNumber = index, EnqueuedTime = last });
    }
}
