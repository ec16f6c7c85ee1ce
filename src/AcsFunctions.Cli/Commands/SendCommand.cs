using System.CommandLine;
using System.Globalization;
using AcsFunctions.Cli.Output;
using AcsFunctions.Cli.Send;
using AcsFunctions.Generation;
using AcsFunctions.Privacy;
using Azure.Identity;
using Azure.Messaging.EventHubs.Producer;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Cli.Commands;

/// <summary>
/// <c>acs-diag send --namespace &lt;host|connection string&gt; --hub &lt;name&gt; [&lt;files&gt;… | --generate …] [--run id]</c>:
/// publishes a stream to a real Event Hub (the deployed app's input) and writes the run manifest
/// <c>acs-diag-run-&lt;id&gt;.json</c> that <c>acs-diag verify</c> checks storage against.
/// </summary>
internal static class SendCommand
{
    public static Command Create()
    {
        var ns = new Option<string>("--namespace")
        {
            Description = "Event Hubs namespace host (acs-x.servicebus.windows.net, or just acs-x; signs in with DefaultAzureCredential) or a connection string (Endpoint=sb://…).",
            Required = true,
        };
        var hub = new Option<string>("--hub") { Description = "Event Hub name.", Required = true };
        var files = new Argument<string[]>("files") { Description = "Files or directories: a .json file is one event body, a .ndjson/.jsonl line is one.", Arity = ArgumentArity.ZeroOrMore };
        var generate = new Option<bool>("--generate") { Description = "Send a generated stream instead of files (see --calls, --api-requests, --minutes, --seed, --malformed)." };
        var calls = new Option<int>("--calls") { Description = "With --generate: calls.", DefaultValueFactory = _ => 20 };
        var api = new Option<int>("--api-requests") { Description = "With --generate: API-request records.", DefaultValueFactory = _ => 1_000 };
        var minutes = new Option<int>("--minutes") { Description = "With --generate: minutes the traffic is spread over.", DefaultValueFactory = _ => 10 };
        var seed = new Option<long>("--seed") { Description = "With --generate: seed.", DefaultValueFactory = _ => 1 };
        var malformed = new Option<double>("--malformed") { Description = "With --generate: share of malformed bodies (0–1).", DefaultValueFactory = _ => 0.02 };
        var run = new Option<string?>("--run") { Description = "Run id (default: a new one); every event carries it as the application property acs-diag-run." };
        var manifestDir = new Option<string>("--manifest-dir") { Description = "Where acs-diag-run-<id>.json is written.", DefaultValueFactory = _ => "." };
        var command = new Command("send", "Publish diagnostic-log bodies to an Event Hub and record the run for acs-diag verify.")
        {
            ns, hub, files, generate, calls, api, minutes, seed, malformed, run, manifestDir,
        };
        command.SetAction(async (parse, ct) =>
        {
            var paths = parse.GetValue(files) ?? [];
            var generated = parse.GetValue(generate);
            if (generated == (paths.Length > 0))
            {
                await Console.Error.WriteLineAsync("error: give either files or --generate (one of the two).");
                return ExitCodes.InvalidArguments;
            }

            IEnumerable<ReadOnlyMemory<byte>> bodies;
            try
            {
                bodies = generated
                    ? Generated(new GeneratorOptions
                    {
                        Calls = parse.GetValue(calls),
                        ApiRequests = parse.GetValue(api),
                        Minutes = parse.GetValue(minutes),
                        Seed = parse.GetValue(seed),
                        Malformed = parse.GetValue(malformed),
                    })
                    : [.. FileBodies(Inputs.ExpandFiles(paths))];
            }
            catch (Exception ex) when (ex is IOException or System.ComponentModel.DataAnnotations.ValidationException)
            {
                await Console.Error.WriteLineAsync($"error: {ex.Message}");
                return ExitCodes.InvalidArguments;
            }

            var runId = parse.GetValue(run) is { Length: > 0 } given ? given : Guid.NewGuid().ToString("N")[..12];
            await using var producer = Producer(parse.GetValue(ns)!, parse.GetValue(hub)!);
            var manifestPath = RunManifest.PathOf(parse.GetValue(manifestDir)!, runId);
            await using var services = CliHost.Build(CommonOptions.DevelopmentStorage);
            var sanitizer = services.GetRequiredService<IRecordSanitizer>();
            return await RunAsync(producer, parse.GetValue(hub)!, runId, bodies, sanitizer, manifestPath, Console.Error, ct);
        });
        return command;
    }

    /// <summary>Sends <paramref name="bodies"/>, writes the manifest, reports on <paramref name="output"/>; the exit code.</summary>
    internal static async Task<int> RunAsync(EventHubProducerClient producer, string hub, string run, IEnumerable<ReadOnlyMemory<byte>> bodies, IRecordSanitizer sanitizer, string manifestPath, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        var manifest = new RunManifest { Run = run, Hub = hub };
        var recorded = bodies.Select(b =>
        {
            manifest.AddBody(b, sanitizer);
            return b;
        });
        var progress = new InlineProgress<SendProgress>(p => output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"run {run}: {p.Events:N0} events, {p.Bytes / 1048576.0:F1} MiB, {p.Batches:N0} batches sent")));
        try
        {
            var totals = await new EventHubSender(producer).SendAsync(run, recorded, progress, cancellationToken);
            await manifest.SaveAsync(manifestPath, cancellationToken);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"run {run}: sent {totals.Events:N0} events ({manifest.Units.Count:N0} records) to {hub}; manifest {manifestPath}"));
            await output.WriteLineAsync($"check with: acs-diag verify --run {manifestPath} --storage <account>");
            return ExitCodes.Success;
        }
        catch (InvalidOperationException ex)
        {
            await output.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.InvalidArguments;
        }
        catch (Azure.Messaging.EventHubs.EventHubsException ex)
        {
            await output.WriteLineAsync($"error: Event Hubs: {ex.Message}");
            return ExitCodes.Failure;
        }
    }

    private static EventHubProducerClient Producer(string ns, string hub)
    {
        if (ns.Contains("Endpoint=", StringComparison.OrdinalIgnoreCase))
        {
            return new EventHubProducerClient(ns, hub);
        }

        var host = ns.Contains('.', StringComparison.Ordinal) ? ns : ns + ".servicebus.windows.net";
        return new EventHubProducerClient(host, hub, new DefaultAzureCredential());
    }

    private static IEnumerable<ReadOnlyMemory<byte>> Generated(GeneratorOptions options) =>
        SyntheticStream.Create(options).Bodies().Select(b => (ReadOnlyMemory<byte>)b.Data);

    private static IEnumerable<ReadOnlyMemory<byte>> FileBodies(IEnumerable<string> files)
    {
        foreach (var file in files.Where(f => f != "-"))
        {
            if (file.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var line in File.ReadLines(file).Where(l => !string.IsNullOrWhiteSpace(l)))
                {
                    yield return System.Text.Encoding.UTF8.GetBytes(line);
                }
            }
            else
            {
                yield return File.ReadAllBytes(file);
            }
        }
    }
}
