using System.CommandLine;
using System.Reflection;
using AcsFunctions.Azurite;
using AcsFunctions.Cli.Output;
using AcsFunctions.Cli.Serve;
using AcsFunctions.Decoding;
using AcsFunctions.Ingestion;
using AcsFunctions.Queries;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace AcsFunctions.Cli.Commands;

/// <summary><c>acs-diag demo [--storage]</c>: the main job on the bundled sample stream.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var storage = new Option<string?>("--storage")
        {
            Description = "Storage connection string; without it an in-memory Azurite is started for the demo and stopped afterwards.",
        };
        var serve = new Option<bool>("--serve") { Description = "Afterwards keep the data and serve the dashboard and query API until Ctrl+C; the last line is the dashboard's address." };
        var urls = new Option<string>("--urls") { Description = "Where --serve listens (loopback only).", DefaultValueFactory = _ => ServeStartup.DefaultUrls };
        var open = new Option<bool>("--open") { Description = "With --serve: open the dashboard in the default browser." };
        var command = new Command("demo", "Start an in-memory Azurite, ingest the bundled ACS sample stream and show what was stored (--serve: then show it in the dashboard).") { storage, serve, urls, open };
        command.SetAction(async (parse, ct) =>
        {
            var listen = parse.GetValue(urls)!;
            if (!parse.GetValue(serve) && (parse.GetResult(urls) is { Implicit: false } || parse.GetValue(open)))
            {
                throw new CliUsageException("--urls and --open apply to the dashboard: add --serve (acs-diag demo --serve --urls <loopback url>).");
            }

            if (parse.GetValue(serve) && await ServeStartup.CheckUrlsAsync(listen, "demo", ServeGuard.LoopbackOnly) is { } refused)
            {
                return refused;
            }

            AzuriteHost? azurite = null;
            var connection = parse.GetValue(storage);
            if (string.IsNullOrWhiteSpace(connection))
            {
                AnsiConsole.MarkupLine("[grey]Starting an in-memory Azurite on free loopback ports…[/]");
                azurite = await AzuriteHost.StartAsync(cancellationToken: ct);
                connection = azurite.ConnectionString;
                AnsiConsole.MarkupLine($"[grey]Azurite: tables on 127.0.0.1:{azurite.TablePort}, blobs on 127.0.0.1:{azurite.BlobPort}[/]");
            }

            try
            {
                await using var services = CliHost.Build(connection);

                // The dashboard's address is taken before the demo's work, so an address in use fails at once.
                await using var app = parse.GetValue(serve) ? QueryApi.Build(services.GetRequiredService<QueryService>(), listen, [], services.GetRequiredService<ILoggerFactory>()) : null;
                if (app is not null && await ServeStartup.StartAsync(app, listen, "demo", ServeGuard.LoopbackOnly, ct) is { } failed)
                {
                    return failed;
                }

                var context = new DemoContext(services, connection);
                var bodies = SampleBodies();
                AnsiConsole.MarkupLine($"[bold]Ingesting {bodies.Count} bundled sample bodies[/] (the seeds' call logs plus API-request, email and usage examples)…");
                var result = await services.GetRequiredService<IngestPipeline>().IngestAsync(bodies, ct);
                IngestReport.Write(result, json: false);
                foreach (var step in DemoSteps.All)
                {
                    await step(context, ct);
                }

                if (app is not null)
                {
                    await DashboardHost.ServeAsync(app, context.DashboardViews, parse.GetValue(open), ct);
                }
                else
                {
                    AnsiConsole.MarkupLine("[grey]See it as charts: acs-diag demo --serve (the dashboard at http://127.0.0.1:7071/, until Ctrl+C).[/]");
                }

                return result.Reconciles ? ExitCodes.Success : ExitCodes.Failure;
            }
            finally
            {
                if (azurite is not null)
                {
                    await azurite.DisposeAsync();
                }
            }
        });
        return command;
    }

    /// <summary>The embedded sample bodies (samples/*.json in the repository).</summary>
    public static IReadOnlyList<EventBody> SampleBodies()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var bodies = new List<EventBody>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("samples/", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            bodies.Add(new EventBody(memory.ToArray(), new Lineage { File = name }));
        }

        return bodies;
    }
}

/// <summary>What later demo steps (roll-up, queries) get.</summary>
internal sealed record DemoContext(IServiceProvider Services, string StorageConnectionString)
{
    /// <summary>Dashboard ranges worth opening (set by the roll-up step; the last one is the demo's last line).</summary>
    public List<DashboardView> DashboardViews { get; } = [];
}

/// <summary>Steps the demo runs after ingesting (roll-ups and summaries register here).</summary>
internal static class DemoSteps
{
    public static List<Func<DemoContext, CancellationToken, Task>> All { get; } = [Output.EnrichmentSummary.WriteAsync, RollupDemo.RunAsync, HealthTable.DemoAsync];
}
