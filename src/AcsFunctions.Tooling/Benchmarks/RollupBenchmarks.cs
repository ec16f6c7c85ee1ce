using System.Diagnostics;
using System.Globalization;
using AcsFunctions.Generation;
using AcsFunctions.Ingestion;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;
using Azure.Data.Tables;

namespace AcsFunctions.Benchmarks;

/// <summary>Progress of loading the other rows for P3.</summary>
/// <param name="Rows">Rows loaded so far.</param>
/// <param name="Target">Rows the current step loads up to.</param>
public readonly record struct RollupLoadProgress(long Rows, long Target);

/// <summary>One P3 measurement: the roll-up of the target window with <paramref name="OtherRows"/> other rows in the tables.</summary>
/// <param name="OtherRows">Rows of other windows, calls and aggregates in the tables.</param>
/// <param name="Elapsed">Median roll-up time over the rounds.</param>
/// <param name="Result">The last round's roll-up counters (rows read and written, marks processed).</param>
public sealed record RollupMeasurement(long OtherRows, TimeSpan Elapsed, RollupResult Result);

/// <summary>
/// P3 (issue 6): the roll-up of one window's marks must cost the same whatever else the tables hold. One minute of
/// generated traffic is ingested and rolled up; the rows it produced (records, call records, aggregates) are the
/// template for the "other" rows, copied into other windows (a day apart) and other calls, and upserted in parallel
/// batches. The window is then re-ingested (re-delivery re-marks it) and rolled up again, timed, with the small
/// and then the large number of other rows in the same store.
/// </summary>
public static class RollupBenchmarks
{
    private static readonly string[] _tables =
    [
        TableNames.Records, TableNames.CallRecords, TableNames.AggApiRequests, TableNames.AggCalls, TableNames.AggCallIndex,
        TableNames.AggCallWindows, TableNames.AggStreamQuality, TableNames.AggEmailDelivery, TableNames.AggEmailEngagement, TableNames.AggUsage,
    ];

    /// <summary>The window's traffic: one minute (call logs and delivery reports land a few minutes later).</summary>
    public static GeneratorOptions Target { get; } = new()
    {
        Calls = 10,
        ApiRequests = 2_000,
        Minutes = 1,
        Seed = 7,
        Start = new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero),
    };

    /// <summary>
    /// Measures the window's roll-up with <paramref name="smallRows"/> and then <paramref name="largeRows"/> other
    /// rows (median of <paramref name="rounds"/> each); the ratio is large / small.
    /// </summary>
    public static async Task<(BenchFigure Figure, IReadOnlyList<RollupMeasurement> Measurements)> RollupVersusTableSizeAsync(
        IngestPipeline pipeline,
        RollupService rollup,
        AcsStorage storage,
        long smallRows,
        long largeRows,
        int rounds = 3,
        int loadParallelism = 8,
        IProgress<RollupLoadProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var bodies = SyntheticStream.Create(Target).Bodies().Select(b => b.ToEventBody()).ToList();
        var ingested = await pipeline.IngestAsync(bodies, cancellationToken);
        await rollup.RunAsync(cancellationToken);
        var template = await ReadTemplateAsync(storage, cancellationToken);
        var loader = new Loader(storage, template, loadParallelism);
        var measurements = new List<RollupMeasurement>();
        foreach (var rows in new[] { smallRows, largeRows })
        {
            await loader.GrowAsync(rows, progress, cancellationToken);
            measurements.Add(await MeasureAsync(pipeline, rollup, bodies, loader.Rows, rounds, cancellationToken));
        }

        var (small, large) = (measurements[0], measurements[1]);
        var figure = new BenchFigure(
            "P3",
            $"one window's roll-up with {Count(large.OtherRows)} vs {Count(small.OtherRows)} other rows in the tables",
            large.Elapsed.TotalMilliseconds,
            small.Elapsed.TotalMilliseconds,
            "ms",
            "same rows read and round trips (time: information)",
            // Issue 17 restated P3 by rows read and round trips: Azurite filters its whole table for every query, so its
            // time grows with the table whatever we read; Table Storage serves a partition-key range by index.
            small.Result.RowsRead == large.Result.RowsRead && small.Result.ReadQueries == large.Result.ReadQueries,
            $"{ingested.Records:N0} records, {large.Result.Processed:N0} marks; rows read {small.Result.RowsRead:N0} vs {large.Result.RowsRead:N0}; read round trips {small.Result.ReadQueries:N0} vs {large.Result.ReadQueries:N0}; median of {rounds}");
        return (figure, measurements);
    }

    private static string Count(long rows) => rows >= 1_000_000 && rows % 1_000_000 < 50_000
        ? (rows / 1_000_000.0).ToString("0.#", CultureInfo.InvariantCulture) + "M"
        : rows >= 1_000 ? (rows / 1_000.0).ToString("0", CultureInfo.InvariantCulture) + "k" : rows.ToString(CultureInfo.InvariantCulture);

    private static async Task<RollupMeasurement> MeasureAsync(IngestPipeline pipeline, RollupService rollup, IReadOnlyList<Decoding.EventBody> bodies, long otherRows, int rounds, CancellationToken cancellationToken)
    {
        var times = new List<TimeSpan>();
        RollupResult? last = null;
        for (var i = 0; i < Math.Max(1, rounds); i++)
        {
            await pipeline.IngestAsync(bodies, cancellationToken); // re-delivery: the same rows, marked again
            var clock = Stopwatch.StartNew();
            last = await rollup.RunAsync(cancellationToken);
            times.Add(clock.Elapsed);
        }

        times.Sort();
        return new RollupMeasurement(otherRows, times[times.Count / 2], last!);
    }

    private static async Task<List<(string Table, TableEntity Entity)>> ReadTemplateAsync(AcsStorage storage, CancellationToken cancellationToken)
    {
        var template = new List<(string, TableEntity)>();
        foreach (var table in _tables)
        {
            foreach (var row in await TableReads.QueryAsync(storage.GetTable(table), string.Empty, null, cancellationToken))
            {
                var copy = new TableEntity(row.PartitionKey, row.RowKey);
                foreach (var (key, value) in row)
                {
                    if (key is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag"))
                    {
                        copy[key] = value;
                    }
                }

                template.Add((table, copy));
            }
        }

        return template.Count > 0 ? template : throw new InvalidOperationException("The target window produced no rows to copy.");
    }

    /// <summary>Upserts copies of the template, each into other partitions, until the tables hold enough other rows.</summary>
    private sealed class Loader(AcsStorage storage, List<(string Table, TableEntity Entity)> template, int parallelism)
    {
        private int _copies;

        public long Rows { get; private set; }

        public async Task GrowAsync(long target, IProgress<RollupLoadProgress>? progress, CancellationToken cancellationToken)
        {
            foreach (var table in template.Select(t => t.Table).Distinct(StringComparer.Ordinal))
            {
                await storage.EnsureTableAsync(table, cancellationToken);
            }

            progress?.Report(new RollupLoadProgress(Rows, target));
            while (Rows < target)
            {
                // A step of several copies at a time keeps the batches full and memory bounded.
                var step = new List<(string Table, TableEntity Entity)>();
                while (Rows + step.Count < target && step.Count < 50_000)
                {
                    _copies++;
                    var remaining = target - Rows - step.Count;
                    step.AddRange(template.Take((int)Math.Min(template.Count, remaining)).Select(t => (t.Table, Relocate(t.Entity, _copies))));
                }

                var batches = step.GroupBy(s => s.Table, StringComparer.Ordinal).SelectMany(g => TableBatch.Plan(g.Key, g.Select(s => s.Entity))).ToList();
                await Parallel.ForEachAsync(
                    batches,
                    new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
                    async (batch, ct) => await storage.GetTable(batch.Table).SubmitTransactionAsync(batch.Actions, ct));
                Rows += step.Count;
                progress?.Report(new RollupLoadProgress(Rows, target));
            }
        }

        /// <summary>
        /// The same row in another partition: a window key (the records' and aggregates' partitions, hourly and daily
        /// rows included) moves <paramref name="copy"/> days back, any other key (calls) gets a suffix — never the
        /// target's partitions.
        /// </summary>
        private static TableEntity Relocate(TableEntity entity, int copy)
        {
            var pk = entity.PartitionKey;
            if (pk.Length > 1 && pk[0] is 'H' or 'D' && char.IsAsciiDigit(pk[1]))
            {
                // An hourly or daily row (CoarseTiers): its period moves back too. A suffix would sort inside the
                // target's own hour and day ranges, which the roll-up reads whole.
                var format = pk[0] == 'H' ? "yyyyMMddHH" : "yyyyMMdd";
                var period = DateTimeOffset.ParseExact(pk[1..], format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
                return new TableEntity(entity) { PartitionKey = pk[0] + period.AddDays(-copy).ToString(format, CultureInfo.InvariantCulture) };
            }

            var relocated = pk.Length >= Windows.KeyFormat.Length && DateTimeOffset.TryParseExact(
                pk[..Windows.KeyFormat.Length], Windows.KeyFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var window)
                ? Windows.Key(window.AddDays(-copy)) + pk[Windows.KeyFormat.Length..]
                : pk + "-" + copy.ToString(CultureInfo.InvariantCulture);
            var copyEntity = new TableEntity(entity) { PartitionKey = relocated };
            return copyEntity;
        }
    }
}
