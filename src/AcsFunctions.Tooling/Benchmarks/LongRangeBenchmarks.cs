using System.Diagnostics;
using System.Globalization;
using AcsFunctions.Decoding;
using AcsFunctions.Generation;
using AcsFunctions.Ingestion;
using AcsFunctions.Queries;
using AcsFunctions.Rollups;

namespace AcsFunctions.Benchmarks;

/// <summary>One query of P5: its output rows, the rows and round trips it read, and its median time.</summary>
/// <param name="Name">The query in words (range and interval).</param>
/// <param name="OutputRows">Rows the query answered.</param>
/// <param name="RowsRead">Rows it read (<see cref="QueryResult.RowsRead"/>: aggregate rows, pending marks, and retention's cutoffs once retention has run — never in P5's store).</param>
/// <param name="ReadQueries">Read round trips (query pages; the cutoffs' read is one more once retention has run).</param>
/// <param name="Elapsed">Median time over the rounds.</param>
public sealed record QueryMeasurement(string Name, int OutputRows, long RowsRead, long ReadQueries, TimeSpan Elapsed);

/// <summary>
/// Issue 17's long-range benchmarks. P5: on one store holding 31 days of generated traffic, rolled up (minute, hourly
/// and daily rows), a 31-day <c>P1D</c> query and a 7-day <c>PT1H</c> query against a 1-hour <c>PT1H</c> query of
/// <c>api-requests</c>. P6: the roll-up after ingesting one day of generated traffic (what a backfill of one day
/// feeds the pipeline), with range reads against the same roll-up reading every marked partition with its own
/// queries (<see cref="RollupOptions.PointReads"/>, the roll-up before range reads).
/// </summary>
public static class LongRangeBenchmarks
{
    /// <summary>P5's traffic: 31 whole UTC days at a low rate (a few API requests per hour), so the store loads in minutes.</summary>
    public static GeneratorOptions Month { get; } = new()
    {
        Calls = 31,
        ApiRequests = 6_000,
        Emails = 150,
        Minutes = 31 * 24 * 60,
        Seed = 31,
        Start = new DateTimeOffset(2025, 5, 1, 0, 0, 0, TimeSpan.Zero),
    };

    /// <summary>P6's traffic: one UTC day.</summary>
    public static GeneratorOptions Day { get; } = new()
    {
        Calls = 10,
        ApiRequests = 3_000,
        Emails = 100,
        Minutes = 24 * 60,
        Seed = 6,
        Start = new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero),
    };

    /// <summary>
    /// P5: ingests and rolls up <paramref name="traffic"/> (31 whole days from its start), then times each query
    /// (median of <paramref name="rounds"/>). One figure per long query: its time against the 1-hour query's; met when
    /// it is within 3× and it read at most twice as many rows as it answered.
    /// </summary>
    public static async Task<(IReadOnlyList<BenchFigure> Figures, IReadOnlyList<QueryMeasurement> Queries)> LongRangeQueriesAsync(
        IngestPipeline pipeline,
        RollupService rollup,
        QueryService queries,
        GeneratorOptions traffic,
        int rounds = 5,
        Action<string>? status = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(traffic);
        var (records, rolledUp) = await LoadAsync(pipeline, rollup, traffic, status, cancellationToken);
        var start = CoarseTiers.FloorDay(traffic.EffectiveStart);
        var hour = start.AddDays(10).AddHours(12);
        status?.Invoke("P5: querying");
        var oneHour = await MeasureAsync(queries, "1 hour at PT1H", hour, hour.AddHours(1), "PT1H", rounds, cancellationToken);
        var week = await MeasureAsync(queries, "7 days at PT1H", start.AddDays(10), start.AddDays(17), "PT1H", rounds, cancellationToken);
        var month = await MeasureAsync(queries, "31 days at P1D", start, start.AddDays(31), "P1D", rounds, cancellationToken);
        var load = $"{records:N0} records over 31 days, roll-up {rolledUp.Elapsed.TotalSeconds:N0} s ({rolledUp.Processed:N0} marks, {rolledUp.ReadQueries:N0} read round trips)";
        return ([Figure(week, oneHour, rounds, load), Figure(month, oneHour, rounds, load)], [oneHour, week, month]);
    }

    /// <summary>
    /// P6: ingests <paramref name="traffic"/> into two stores of the same Azurite and rolls each up once, timed: with
    /// range reads (<paramref name="ranges"/>) and reading every marked partition on its own (<paramref name="points"/>,
    /// <see cref="RollupOptions.PointReads"/>). Met when the range reads issue fewer read round trips.
    /// </summary>
    public static async Task<(BenchFigure Figure, RollupResult Ranges, RollupResult Points)> BackfillRollupAsync(
        (IngestPipeline Pipeline, RollupService Rollup) ranges,
        (IngestPipeline Pipeline, RollupService Rollup) points,
        GeneratorOptions traffic,
        Action<string>? status = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(traffic);
        var (records, range) = await LoadAsync(ranges.Pipeline, ranges.Rollup, traffic, status is null ? null : s => status("P6, range reads: " + s), cancellationToken);
        var (_, point) = await LoadAsync(points.Pipeline, points.Rollup, traffic, status is null ? null : s => status("P6, point reads: " + s), cancellationToken);
        var figure = new BenchFigure(
            "P6",
            "roll-up after ingesting one day of traffic: range reads vs one query per marked partition (the roll-up before range reads)",
            range.Elapsed.TotalMilliseconds,
            point.Elapsed.TotalMilliseconds,
            "ms",
            "fewer read round trips",
            range.ReadQueries < point.ReadQueries,
            $"{records:N0} records, {range.Processed:N0} vs {point.Processed:N0} marks; read round trips {range.ReadQueries:N0} vs {point.ReadQueries:N0}; " +
            $"rows read {range.RowsRead:N0} vs {point.RowsRead:N0}; write requests {range.WriteRequests:N0} vs {point.WriteRequests:N0}");
        return (figure, range, point);
    }

    /// <summary>Ingests the traffic in batches and rolls it up until nothing is pending; the first roll-up's counters are returned.</summary>
    private static async Task<(long Records, RollupResult Rollup)> LoadAsync(
        IngestPipeline pipeline, RollupService rollup, GeneratorOptions traffic, Action<string>? status, CancellationToken cancellationToken)
    {
        long records = 0;
        var batch = new List<EventBody>();
        foreach (var body in SyntheticStream.Create(traffic).Bodies())
        {
            batch.Add(body.ToEventBody());
            if (batch.Count == 100)
            {
                records += (await pipeline.IngestAsync(batch, cancellationToken)).Records;
                batch.Clear();
                status?.Invoke($"ingesting, {records:N0} records");
            }
        }

        records += (await pipeline.IngestAsync(batch, cancellationToken)).Records;
        status?.Invoke($"rolling up {records:N0} records");
        var clock = Stopwatch.StartNew();
        var first = await rollup.RunAsync(cancellationToken);
        var elapsed = clock.Elapsed;
        for (var pass = 0; pass < 3 && (await rollup.RunAsync(cancellationToken)).Processed > 0; pass++)
        {
            // Marks retained by the first run (none expected with one writer): drained, untimed.
        }

        return (records, first with { Elapsed = elapsed });
    }

    private static async Task<QueryMeasurement> MeasureAsync(
        QueryService queries, string name, DateTimeOffset from, DateTimeOffset to, string interval, int rounds, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, string?>
        {
            ["from"] = from.ToString("O", CultureInfo.InvariantCulture),
            ["to"] = to.ToString("O", CultureInfo.InvariantCulture),
            ["interval"] = interval,
        };
        var times = new List<TimeSpan>();
        QueryResult? last = null;
        for (var i = 0; i < Math.Max(1, rounds); i++)
        {
            // Timed as the HTTP API answers: the query, then its JSON written as UTF-8 bytes to a stream (compact, the
            // API's body) — not only the rows built.
            var clock = Stopwatch.StartNew();
            last = await queries.QueryAsync(QueryKinds.ApiRequests, values, cancellationToken);
            await last.WriteJsonAsync(Stream.Null, indented: false, cancellationToken);
            times.Add(clock.Elapsed);
        }

        times.Sort();
        return new QueryMeasurement(name, last!.Rows.Count, last.RowsRead, last.ReadQueries, times[times.Count / 2]);
    }

    private static BenchFigure Figure(QueryMeasurement query, QueryMeasurement oneHour, int rounds, string load)
    {
        var ratio = query.Elapsed.TotalMilliseconds / Math.Max(0.001, oneHour.Elapsed.TotalMilliseconds);
        return new BenchFigure(
            "P5",
            $"api-requests query and its JSON body written, {query.Name} vs {oneHour.Name}",
            query.Elapsed.TotalMilliseconds,
            oneHour.Elapsed.TotalMilliseconds,
            "ms",
            "time ≤ 3×; rows read ≤ 2 × output rows",
            ratio <= 3 && query.RowsRead <= 2L * query.OutputRows,
            $"{query.OutputRows:N0} rows out, {query.RowsRead:N0} read, {query.ReadQueries:N0} round trips (1 hour: {oneHour.OutputRows:N0} out, {oneHour.RowsRead:N0} read, " +
            $"{oneHour.ReadQueries:N0} round trips); median of {rounds}; {load}");
    }
}
