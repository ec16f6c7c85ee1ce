using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AcsFunctions.Azurite;
using AcsFunctions.Benchmarks;
using AcsFunctions.Ingestion;
using AcsFunctions.Queries;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace AcsFunctions.Cli.Commands;

/// <summary>
/// <c>acs-diag bench [--p1-mb 100] [--threads 2] [--p2-mb 20] [--p2-rounds 3] [--one-by-one 2000] [--p3-small 10000] [--p3-large 200000]
/// [--rate 20000] [--p7-seconds 60] [--records-per-event 1] [--batch-events 100] [--storage cs] [--json|--markdown]</c>:
/// the ingestion benchmarks of docs/benchmarks.md (P1–P3), each a ratio measured in this one run on this machine
/// (P1t: P1's preparation on <c>--threads</c> threads against one; P1p, information: that many whole batches at once); <c>--only P5 P6</c> runs the long-range benchmarks
/// (issue 17); P7 is the partition load of the keys (issue 20, computed from the keys: no storage). P4 (peak memory)
/// is <c>bench/BackfillMemory --file</c>, which prints its row in the same Markdown form.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var p1 = new Option<int>("--p1-mb") { Description = "MiB of generated bodies for P1 (decode + dispatch + enrich vs raw scan).", DefaultValueFactory = _ => 100 };
        var p2 = new Option<int>("--p2-mb") { Description = "MiB of generated bodies for P2 (end-to-end ingest vs raw upserts).", DefaultValueFactory = _ => 20 };
        var p2Rounds = new Option<int>("--p2-rounds") { Description = "Timed rounds of each side of P2a (alternated, after a warm-up; the best of each is compared).", DefaultValueFactory = _ => 3 };
        var single = new Option<int>("--one-by-one") { Description = "Entities written one by one for P2's naive baseline.", DefaultValueFactory = _ => 2_000 };
        var small = new Option<int>("--p3-small") { Description = "Other rows in the tables for P3's first roll-up.", DefaultValueFactory = _ => 10_000 };
        var large = new Option<int>("--p3-large") { Description = "Other rows in the tables for P3's second roll-up (1000000 for the issue's figure; loading takes minutes).", DefaultValueFactory = _ => 200_000 };
        var threads = new Option<int>("--threads") { Description = "Threads for P1's scaling figures (P1t: one batch prepared on this many threads vs one; P1p: this many batches at once; same run).", DefaultValueFactory = _ => Math.Max(2, Environment.ProcessorCount) };
        var rate = new Option<int>("--rate") { Description = "P7: records per second of one resource × category.", DefaultValueFactory = _ => 20_000 };
        var p7Seconds = new Option<int>("--p7-seconds") { Description = "P7: seconds of event time generated.", DefaultValueFactory = _ => 60 };
        var perEvent = new Option<int>("--records-per-event") { Description = "P7: records per Event Hubs event (1 is the worst case; diagnostic settings pack many).", DefaultValueFactory = _ => 1 };
        var perBatch = new Option<int>("--batch-events") { Description = "P7: events per pipeline batch (host.json maxEventBatchSize).", DefaultValueFactory = _ => 100 };
        var only = new Option<string[]>("--only") { Description = "Run only these benchmarks (P1, P2, P3, P5, P6, P7).", AllowMultipleArgumentsPerToken = true };
        var storage = new Option<string?>("--storage") { Description = "Storage connection string; without it an in-memory Azurite (8 GiB node heap) is started and stopped afterwards." };
        var json = CommonOptions.Json();
        var markdown = new Option<bool>("--markdown") { Description = "Print the results as a Markdown table (with the machine and its load) for docs/benchmarks.md." };
        var command = new Command("bench", "Measure the benchmarks of docs/benchmarks.md (ingestion P1–P3, long ranges P5, P6, partition load of the keys P7) in one run.")
        {
            p1, threads, p2, p2Rounds, single, small, large, rate, p7Seconds, perEvent, perBatch, only, storage, json, markdown,
        };
        command.SetAction(async (parse, ct) =>
        {
            var figures = new List<BenchFigure>();
            var keyLoads = new List<KeyLoadRun>();
            var asJson = parse.GetValue(json);
            var selected = (parse.GetValue(only) ?? []).Select(s => s.ToUpperInvariant()).ToHashSet(StringComparer.Ordinal);
            bool Runs(string id) => selected.Count == 0 || selected.Contains(id);
            var connection = parse.GetValue(storage);
            var load = Load();
            var time = TimeProvider.System;
            var started = time.GetUtcNow();
            AzuriteHost? azurite = null;
            try
            {
                if (string.IsNullOrWhiteSpace(connection) && selected.Count > 0 && selected.All(id => id == "P7"))
                {
                    connection = "UseDevelopmentStorage=true"; // P7 prepares batches only: no storage is touched
                }
                else if (string.IsNullOrWhiteSpace(connection))
                {
                    azurite = await AzuriteHost.StartAsync(new AzuriteOptions { NodeHeapMegabytes = 8192 }, ct);
                    connection = azurite.ConnectionString;
                }

                await using var services = CliHost.Build(connection, new Dictionary<string, string?>
                {
                    ["AcsFunctions:Storage:TablePrefix"] = "bench" + Guid.NewGuid().ToString("N")[..8],
                });
                var pipeline = services.GetRequiredService<IngestPipeline>();
                if (Runs("P1"))
                {
                    await Step(asJson, $"P1: generating {parse.GetValue(p1)} MiB and measuring", _ =>
                    {
                        var bodies = IngestBenchmarks.GenerateBodies(parse.GetValue(p1) * 1_048_576L);
                        figures.AddRange(IngestBenchmarks.DecodeVersusScan(pipeline, bodies, Math.Max(2, parse.GetValue(threads))));
                        return Task.CompletedTask;
                    });
                }

                if (Runs("P2"))
                {
                    await Step(asJson, $"P2: ingesting {parse.GetValue(p2)} MiB into Table Storage and writing it again raw", async _ =>
                    {
                        var bodies = IngestBenchmarks.GenerateBodies(parse.GetValue(p2) * 1_048_576L);
                        // Every round of either side on a store of its own (fresh tables, observers and clients).
                        figures.AddRange(await IngestBenchmarks.IngestVersusUpsertsAsync(
                            () => CliHost.Build(connection, new Dictionary<string, string?>
                            {
                                ["AcsFunctions:Storage:TablePrefix"] = "bench" + Guid.NewGuid().ToString("N")[..8],
                            }),
                            bodies,
                            parse.GetValue(p2Rounds),
                            parse.GetValue(single),
                            ct));
                    });
                }

                if (Runs("P3"))
                {
                    await Step(asJson, "P3: rolling up one window", async status =>
                    {
                        var progress = new Progress<RollupLoadProgress>(p =>
                            status($"P3: loading other rows {p.Rows:N0} / {p.Target:N0}, then rolling up one window"));
                        var (figure, _) = await RollupBenchmarks.RollupVersusTableSizeAsync(
                            pipeline,
                            services.GetRequiredService<RollupService>(),
                            services.GetRequiredService<AcsStorage>(),
                            parse.GetValue(small),
                            parse.GetValue(large),
                            progress: progress,
                            cancellationToken: ct);
                        figures.Add(figure);
                    });
                }

                if (Runs("P7"))
                {
                    foreach (var instances in new[] { 1, 32 })
                    {
                        await Step(asJson, $"P7: {parse.GetValue(p7Seconds)} s at {parse.GetValue(rate):N0} records/s through the pipeline, {instances} ingesting instance(s)", _ =>
                        {
                            var run = KeyLoadBenchmarks.Measure(pipeline, parse.GetValue(rate), instances, parse.GetValue(p7Seconds), parse.GetValue(perEvent), parse.GetValue(perBatch), ct);
                            keyLoads.Add(run);
                            figures.Add(KeyLoadBenchmarks.Figure(run, parse.GetValue(rate), parse.GetValue(perEvent), parse.GetValue(perBatch)));
                            return Task.CompletedTask;
                        });
                    }
                }

                // The long-range benchmarks load stores of their own for minutes: only when asked for (--only P5 P6).
                if (selected.Contains("P5") || selected.Contains("P6"))
                {
                    figures.AddRange(await LongRangeAsync(connection, selected.Contains("P5"), selected.Contains("P6"), asJson, ct));
                }
            }
            finally
            {
                if (azurite is not null)
                {
                    await azurite.DisposeAsync();
                }
            }

            var machine = $"{Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {load} at the start and {Load()} at the end, {(time.GetUtcNow() - started).TotalMinutes:N1} min";
            if (parse.GetValue(markdown))
            {
                WriteMarkdown(figures, machine, started);
                WriteKeyLoads(keyLoads);
            }
            else
            {
                Write(figures, asJson, machine);
            }

            return figures.All(f => f.Met || f.Informational) ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    /// <summary>P5 and P6 (issue 17), each on stores of their own (fresh table prefixes) in the same storage.</summary>
    private static async Task<List<BenchFigure>> LongRangeAsync(string connection, bool p5, bool p6, bool quiet, CancellationToken ct)
    {
        var figures = new List<BenchFigure>();
        ServiceProvider Store(bool pointReads) => CliHost.Build(connection, new Dictionary<string, string?>
        {
            ["AcsFunctions:Storage:TablePrefix"] = "bench" + Guid.NewGuid().ToString("N")[..8],
            ["AcsFunctions:Rollup:PointReads"] = pointReads ? "true" : "false",
        });
        if (p5)
        {
            await using var store = Store(pointReads: false);
            await Step(quiet, "P5: 31 days of traffic, rolled up, then three queries", async status =>
            {
                var (p5Figures, _) = await LongRangeBenchmarks.LongRangeQueriesAsync(
                    store.GetRequiredService<IngestPipeline>(), store.GetRequiredService<RollupService>(), store.GetRequiredService<QueryService>(),
                    LongRangeBenchmarks.Month, status: text => status("P5: " + text), cancellationToken: ct);
                figures.AddRange(p5Figures);
            });
        }

        if (p6)
        {
            await using var ranges = Store(pointReads: false);
            await using var points = Store(pointReads: true);
            await Step(quiet, "P6: one day of traffic, rolled up with range reads and with point reads", async status =>
            {
                var (figure, _, _) = await LongRangeBenchmarks.BackfillRollupAsync(
                    (ranges.GetRequiredService<IngestPipeline>(), ranges.GetRequiredService<RollupService>()),
                    (points.GetRequiredService<IngestPipeline>(), points.GetRequiredService<RollupService>()),
                    LongRangeBenchmarks.Day, status, ct);
                figures.Add(figure);
            });
        }

        return figures;
    }

    private static async Task Step(bool quiet, string title, Func<Action<string>, Task> step)
    {
        if (quiet || Console.IsOutputRedirected)
        {
            var last = DateTimeOffset.MinValue;
            var time = TimeProvider.System;
            await Console.Error.WriteLineAsync(title + "…");
            await step(text =>
            {
                if (time.GetUtcNow() - last >= TimeSpan.FromSeconds(10))
                {
                    last = time.GetUtcNow();
                    Console.Error.WriteLine(text);
                }
            });
            return;
        }

        await AnsiConsole.Status().StartAsync(title + "…", ctx => step(text => ctx.Status(Markup.Escape(text))));
    }

    /// <summary>The 1-minute load average (Linux), or "n/a".</summary>
    private static string Load()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "n/a";
        }
        catch (UnauthorizedAccessException)
        {
            return "n/a";
        }
    }

    private static string Number(double value) => value.ToString(value >= 100 ? "N0" : "N1", CultureInfo.InvariantCulture);

    private static void WriteMarkdown(IReadOnlyList<BenchFigure> figures, string machine, DateTimeOffset started)
    {
        Console.WriteLine($"Measured {started:yyyy-MM-dd HH:mm} UTC; {machine}.");
        Console.WriteLine();
        Console.WriteLine("| id | comparison | ours | baseline | ratio | goal | | volume |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var f in figures)
        {
            Console.WriteLine($"| {f.Id} | {f.What} | {Number(f.Ours)} {f.Unit} | {Number(f.Baseline)} {f.Unit} | {f.Ratio.ToString("N2", CultureInfo.InvariantCulture)} | {f.Goal} | {f.Status} | {f.Volume} |");
        }
    }

    private static void WriteKeyLoads(IReadOnlyList<KeyLoadRun> runs)
    {
        if (runs.Count == 0)
        {
            return;
        }

        Console.WriteLine();
        Console.WriteLine("| instances | table | writes | partitions | max writes/s per partition | p99 | busiest partition |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var run in runs)
        {
            foreach (var t in run.Tables)
            {
                Console.WriteLine($"| {run.Instances} | {t.Table} | {t.Writes:N0} | {t.Partitions:N0} | {t.Max:N0} | {t.P99:N0} | `{t.Busiest}` |");
            }

            Console.WriteLine($"| {run.Instances} | (account, all tables) | | | {run.AccountMax:N0} in the busiest second | | |");
        }
    }

    private static void Write(IReadOnlyList<BenchFigure> figures, bool asJson, string machine)
    {
        if (asJson)
        {
            Console.WriteLine(JsonSerializer.Serialize(figures.Select(f => new { f.Id, f.What, f.Ours, f.Baseline, f.Unit, f.Ratio, f.Goal, f.Met, f.Informational, f.Volume })));
            return;
        }

        var table = new Table().AddColumns("", "comparison", "ours", "baseline", "ratio", "goal", "", "volume");
        foreach (var f in figures)
        {
            table.AddRow(
                f.Id,
                Markup.Escape(f.What),
                Markup.Escape($"{Number(f.Ours)} {f.Unit}"),
                Markup.Escape($"{Number(f.Baseline)} {f.Unit}"),
                f.Ratio.ToString("N2", CultureInfo.InvariantCulture),
                Markup.Escape(f.Goal),
                f.Informational ? "information" : f.Met ? "[green]met[/]" : "[red]missed[/]",
                Markup.Escape(f.Volume));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(Markup.Escape(machine));
    }
}
