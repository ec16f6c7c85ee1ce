using System.Diagnostics;
using System.Text.Json;
using AcsFunctions.Decoding;
using AcsFunctions.Generation;
using AcsFunctions.Ingestion;
using AcsFunctions.Storage;
using Azure.Data.Tables;

namespace AcsFunctions.Benchmarks;

/// <summary>
/// The ingestion benchmarks (issue 6): P1, the CPU path against a raw <see cref="Utf8JsonReader"/> scan of the same
/// bytes; P2, end-to-end ingest into Table Storage against raw batched and one-by-one upserts of the same entities.
/// </summary>
public static class IngestBenchmarks
{
    /// <summary>Bodies handed to the pipeline per call (an Event Hubs batch of ~1 MB bodies).</summary>
    public const int BodiesPerBatch = 16;

    /// <summary>Generated event bodies (seeds 1, 2, … of a realistic mix) until they hold at least <paramref name="bytes"/>.</summary>
    public static List<EventBody> GenerateBodies(long bytes, Action<long>? progress = null)
    {
        var bodies = new List<EventBody>();
        var total = 0L;
        for (var seed = 1L; total < bytes; seed++)
        {
            var options = new GeneratorOptions { Calls = 400, ApiRequests = 40_000, Minutes = 60, Seed = seed };
            foreach (var body in SyntheticStream.Create(options).Bodies())
            {
                bodies.Add(body.ToEventBody());
                total += body.Data.Length;
                progress?.Invoke(total);
                if (total >= bytes)
                {
                    break;
                }
            }
        }

        return bodies;
    }

    /// <summary>
    /// P1: decode + dispatch + enrich (<see cref="BatchPreparer.Prepare(IReadOnlyList{EventBody}, int, CancellationToken)"/>)
    /// on one thread vs a raw token scan on one thread, best of <paramref name="rounds"/> each: the ratio compares like
    /// with like. The first figure is that ratio; the second (<c>P1t</c>) is the same preparation on
    /// <paramref name="threads"/> threads against one thread, measured in the same run on the same bodies (how
    /// preparation scales with cores; goal ≥ 1.7× on 2 threads). Rounds alternate one thread and several, so a change
    /// of the machine's load during the run moves both sides alike.
    /// </summary>
    public static IReadOnlyList<BenchFigure> DecodeVersusScan(IngestPipeline pipeline, IReadOnlyList<EventBody> bodies, int threads = 2, int rounds = 2)
    {
        var bytes = bodies.Sum(b => (long)b.Data.Length);
        var records = 0L;
        var scan = Best(rounds, () =>
        {
            foreach (var body in bodies)
            {
                var reader = new Utf8JsonReader(body.Data.Span);
                while (reader.Read())
                {
                }
            }
        });
        var prepare = TimeSpan.MaxValue;
        var parallel = TimeSpan.MaxValue;
        for (var round = 0; round < Math.Max(1, rounds); round++)
        {
            var one = Best(1, () => records = PrepareAll(pipeline, bodies, 1));
            var several = Best(1, () => PrepareAll(pipeline, bodies, threads));
            prepare = one < prepare ? one : prepare;
            parallel = several < parallel ? several : parallel;
        }

        var mb = bytes / 1_048_576.0;
        var ours = mb / prepare.TotalSeconds;
        var all = mb / parallel.TotalSeconds;
        var baseline = mb / scan.TotalSeconds;
        return
        [
            new BenchFigure(
                "P1",
                "decode + dispatch + enrich vs raw Utf8JsonReader scan (one thread each)",
                ours,
                baseline,
                "MiB/s",
                "≥ 0.2 (aim 0.33)",
                ours / baseline >= 0.2,
                $"{mb:N0} MiB, {records:N0} records; best of {rounds}"),
            new BenchFigure(
                "P1t",
                $"decode + dispatch + enrich on {threads} threads vs on one thread",
                all,
                ours,
                "MiB/s",
                "≥ 1.7×",
                all / ours >= 1.7,
                $"{mb:N0} MiB, {records:N0} records; {Environment.ProcessorCount} cores; rounds alternated, best of {rounds}"),
        ];
    }

    private static long PrepareAll(IngestPipeline pipeline, IReadOnlyList<EventBody> bodies, int parallelism)
    {
        var records = 0L;
        foreach (var batch in bodies.Chunk(BodiesPerBatch))
        {
            records += pipeline.Preparer.Prepare(batch, parallelism).Records;
        }

        return records;
    }

    /// <summary>
    /// P2: ingests <paramref name="bodies"/> through <paramref name="pipeline"/> (tables under <paramref name="storage"/>'s
    /// prefix), reads back every entity it wrote, then writes the same entities again under fresh table names:
    /// batched transactions with the pipeline's parallelism, and one by one (<paramref name="oneByOneSample"/> of them).
    /// Returns end-to-end vs batched, and end-to-end vs one-by-one.
    /// </summary>
    public static async Task<IReadOnlyList<BenchFigure>> IngestVersusUpsertsAsync(
        IngestPipeline pipeline, AcsStorage storage, TableWriter writer, IReadOnlyList<EventBody> bodies, int oneByOneSample = 2_000, CancellationToken cancellationToken = default)
    {
        var transactions = writer.Transactions;
        var byTable = writer.TransactionsByTable;
        var cost = ProcessCost.Start();
        var clock = Stopwatch.StartNew();
        await pipeline.IngestAsync(bodies.ToAsyncEnumerable(), cancellationToken: cancellationToken);

        var ingest = clock.Elapsed;
        var ingestCost = cost.Stop();
        transactions = writer.Transactions - transactions;
        var ingestMarks = writer.TransactionsByTable.GetValueOrDefault(TableNames.RollupPending) - byTable.GetValueOrDefault(TableNames.RollupPending);
        var written = new List<(string Table, TableEntity Entity)>();
        foreach (var table in new[] { TableNames.Records, TableNames.CallRecords, TableNames.DeadLetters, TableNames.RollupPending })
        {
            try
            {
                await foreach (var e in storage.GetTable(table).QueryAsync<TableEntity>(cancellationToken: cancellationToken))
                {
                    written.Add((table, Copy(e)));
                }
            }
            catch (Azure.RequestFailedException ex) when (ex.Status == 404)
            {
            }
        }

        var suffix = "B" + Guid.NewGuid().ToString("N")[..6];
        var tables = new Dictionary<string, TableClient>(StringComparer.Ordinal);
        foreach (var table in written.Select(w => w.Table).Distinct(StringComparer.Ordinal))
        {
            var client = storage.TableService.GetTableClient(storage.PhysicalName(table) + suffix);
            await client.CreateIfNotExistsAsync(cancellationToken);
            tables[table] = client;
        }

        var plans = written.GroupBy(w => w.Table, StringComparer.Ordinal)
            .SelectMany(g => TableBatch.Plan(g.Key, g.Select(w => w.Entity)))
            .ToList();
        cost = ProcessCost.Start();
        clock.Restart();
        await Parallel.ForEachAsync(
            plans,
            new ParallelOptions { MaxDegreeOfParallelism = storage.Options.MaxParallelBatches, CancellationToken = cancellationToken },
            async (plan, ct) => await tables[plan.Table].SubmitTransactionAsync(plan.Actions, ct));
        var batched = clock.Elapsed;
        var batchedCost = cost.Stop();

        var sample = written.Take(oneByOneSample).ToList();
        clock.Restart();
        foreach (var (table, entity) in sample)
        {
            await tables[table].UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        }

        var single = clock.Elapsed;
        foreach (var client in tables.Values)
        {
            await client.DeleteAsync(cancellationToken);
        }

        var ours = written.Count / ingest.TotalSeconds;
        var raw = written.Count / batched.TotalSeconds;
        var oneByOne = sample.Count / single.TotalSeconds;
        var rawMarks = plans.Count(p => p.Table == TableNames.RollupPending);
        var volume = $"{bodies.Count:N0} bodies, {written.Count:N0} entities; transactions: ingest {transactions:N0}, raw {plans.Count:N0} "
            + $"({PerThousand(transactions, written.Count):N0} and {PerThousand(plans.Count, written.Count):N0} per 1,000 entities; roll-up marks {ingestMarks:N0} and {rawMarks:N0} of them; "
            + $"this process's CPU {ingestCost.Cpu.TotalSeconds:N1} s and {batchedCost.Cpu.TotalSeconds:N1} s, of which GC pauses {ingestCost.GcPause.TotalSeconds:N1} s and {batchedCost.GcPause.TotalSeconds:N1} s)";
        return
        [
            new BenchFigure("P2a", "end-to-end ingest vs raw batched upserts of the same entities", ours, raw, "entities/s", "≥ 0.9", ours / raw >= 0.9, volume),
            // Issue 18 dropped P2b's goal (raw batched is itself only ~5.5× one-by-one on Azurite): kept as information.
            new BenchFigure("P2b", "end-to-end ingest vs one-by-one upserts", ours, oneByOne, "entities/s", "— (no goal)", false, volume + $" (one-by-one on {sample.Count:N0})") { Informational = true },
        ];
    }

    /// <summary>
    /// What one side of P2 cost this process: CPU time (every thread) and GC pauses. Storage shares the machine's cores on
    /// a benchmark run, so the ingest's extra CPU (preparation, the collections of the rows it holds) is wall time too.
    /// </summary>
    private readonly record struct ProcessCost(TimeSpan Cpu, TimeSpan GcPause)
    {
        public static ProcessCost Start() => new(Environment.CpuUsage.TotalTime, GC.GetTotalPauseDuration());

        public ProcessCost Stop() => new(Environment.CpuUsage.TotalTime - Cpu, GC.GetTotalPauseDuration() - GcPause);
    }

    private static double PerThousand(long transactions, int entities) => entities == 0 ? 0 : transactions * 1000.0 / entities;

    private static TableEntity Copy(TableEntity read)
    {
        var copy = new TableEntity(read.PartitionKey, read.RowKey);
        foreach (var (key, value) in read)
        {
            if (key is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag"))
            {
                copy[key] = value;
            }
        }

        return copy;
    }

    private static TimeSpan Best(int rounds, Action action)
    {
        var best = TimeSpan.MaxValue;
        for (var i = 0; i < Math.Max(1, rounds); i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            best = clock.Elapsed < best ? clock.Elapsed : best;
        }

        return best;
    }
}
