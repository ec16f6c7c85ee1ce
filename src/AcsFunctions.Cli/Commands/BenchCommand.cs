using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AcsFunctions.Azurite;
using AcsFunctions.Benchmarks;
using AcsFunctions.Ingestion;
using AcsFunctions.Storage;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace AcsFunctions.Cli.Commands;

/// <summary>
/// <c>acs-diag bench [--p1-mb 100] [--p2-mb 20] [--one-by-one 2000] [--storage cs] [--json]</c>: the ingestion
/// benchmarks of docs/benchmarks.md, each a ratio measured in this one run on this machine.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var p1 = new Option<int>("--p1-mb") { Description = "MiB of generated bodies for P1 (decode + dispatch + enrich vs raw scan).", DefaultValueFactory = _ => 100 };
        var p2 = new Option<int>("--p2-mb") { Description = "MiB of generated bodies for P2 (end-to-end ingest vs raw upserts).", DefaultValueFactory = _ => 20 };
        var single = new Option<int>("--one-by-one") { Description = "Entities written one by one for P2's naive baseline.", DefaultValueFactory = _ => 2_000 };
        var storage = new Option<string?>("--storage") { Description = "Storage connection string; without it an in-memory Azurite is started and stopped afterwards." };
        var json = CommonOptions.Json();
        var command = new Command("bench", "Measure the ingestion benchmarks (P1, P2) as ratios against the physical limits, in one run.") { p1, p2, single, storage, json };
        command.SetAction(async (parse, ct) =>
        {
            var figures = new List<BenchFigure>();
            var asJson = parse.GetValue(json);
            var connection = parse.GetValue(storage);
            AzuriteHost? azurite = null;
            try
            {
                if (string.IsNullOrWhiteSpace(connection))
                {
                    azurite = await AzuriteHost.StartAsync(cancellationToken: ct);
                    connection = azurite.ConnectionString;
                }

                await using var services = CliHost.Build(connection, new Dictionary<string, string?>
                {
                    ["AcsFunctions:Storage:TablePrefix"] = "bench" + Guid.NewGuid().ToString("N")[..8],
                });
                var pipeline = services.GetRequiredService<IngestPipeline>();
                await Step(asJson, $"P1: generating {parse.GetValue(p1)} MiB and measuring", () =>
                {
                    var bodies = IngestBenchmarks.GenerateBodies(parse.GetValue(p1) * 1_048_576L);
                    figures.Add(IngestBenchmarks.DecodeVersusScan(pipeline, bodies));
                    return Task.CompletedTask;
                });
                await Step(asJson, $"P2: ingesting {parse.GetValue(p2)} MiB into Table Storage and writing it again raw", async () =>
                {
                    var bodies = IngestBenchmarks.GenerateBodies(parse.GetValue(p2) * 1_048_576L);
                    figures.AddRange(await IngestBenchmarks.IngestVersusUpsertsAsync(pipeline, services.GetRequiredService<AcsStorage>(), services.GetRequiredService<TableWriter>(), bodies, parse.GetValue(single), ct));
                });
            }
            finally
            {
                if (azurite is not null)
                {
                    await azurite.DisposeAsync();
                }
            }

            Write(figures, asJson);
            return figures.All(f => f.Met) ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    private static async Task Step(bool quiet, string title, Func<Task> step)
    {
        if (quiet || Console.IsOutputRedirected)
        {
            await step();
            return;
        }

        await AnsiConsole.Status().StartAsync(title + "…", _ => step());
    }

    private static void Write(IReadOnlyList<BenchFigure> figures, bool asJson)
    {
        if (asJson)
        {
            Console.WriteLine(JsonSerializer.Serialize(figures.Select(f => new { f.Id, f.What, f.Ours, f.Baseline, f.Unit, f.Ratio, f.Goal, f.Met, f.Volume })));
            return;
        }

        var table = new Table().AddColumns("", "comparison", "ours", "baseline", "ratio", "goal", "", "volume");
        foreach (var f in figures)
        {
            table.AddRow(
                f.Id,
                Markup.Escape(f.What),
                Markup.Escape($"{f.Ours.ToString("N1", CultureInfo.InvariantCulture)} {f.Unit}"),
                Markup.Escape($"{f.Baseline.ToString("N1", CultureInfo.InvariantCulture)} {f.Unit}"),
                f.Ratio.ToString("N2", CultureInfo.InvariantCulture),
                Markup.Escape(f.Goal),
                f.Met ? "[green]met[/]" : "[red]missed[/]",
                Markup.Escape(f.Volume));
        }

        AnsiConsole.Write(table);
    }
}
