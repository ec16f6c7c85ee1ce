using System.CommandLine;
using System.Globalization;
using AcsFunctions.Cli.Send;
using AcsFunctions.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Cli.Commands;

/// <summary>
/// <c>acs-diag verify --run &lt;id|manifest&gt; --storage &lt;account|connection string&gt; [--timeout]</c>: waits until
/// every record of an <c>acs-diag send</c> run is stored or dead-lettered by the deployed app; prints what is missing.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "The run id (its acs-diag-run-<id>.json in --manifest-dir) or the manifest's path.", Required = true };
        var storage = new Option<string?>("--storage")
        {
            Description = "The app's storage: an account name or table endpoint (signs in with DefaultAzureCredential) or a connection string (default: env AcsFunctions__Storage__ConnectionString, else local Azurite).",
        };
        var timeout = new Option<TimeSpan>("--timeout") { Description = "How long to wait for the app to catch up.", DefaultValueFactory = _ => TimeSpan.FromMinutes(5) };
        var manifestDir = new Option<string>("--manifest-dir") { Description = "Where the run manifests are.", DefaultValueFactory = _ => "." };
        var command = new Command("verify", "Wait until every record of a sent run is stored or dead-lettered; print what is missing.")
        {
            run, storage, timeout, manifestDir,
        };
        command.SetAction(async (parse, ct) =>
        {
            var given = parse.GetValue(run)!;
            var path = File.Exists(given) ? given : RunManifest.PathOf(parse.GetValue(manifestDir)!, given);
            if (!File.Exists(path))
            {
                await Console.Error.WriteLineAsync($"error: no run manifest {path} (acs-diag send writes it)");
                return ExitCodes.InvalidArguments;
            }

            var manifest = await RunManifest.LoadAsync(path, ct);
            await using var services = CliHost.Build(CommonOptions.DevelopmentStorage, StorageSettings(parse.GetValue(storage)));
            var verifier = new RunVerifier(services.GetRequiredService<AcsStorage>());
            try
            {
                return await RunAsync(verifier, manifest, parse.GetValue(timeout), TimeSpan.FromSeconds(10), TimeProvider.System, Console.Out, ct);
            }
            catch (StorageUnavailableException ex)
            {
                return await CliRunner.UnavailableAsync(ex, "nothing was changed — re-run verify once storage answers.");
            }
        });
        return command;
    }

    /// <summary>Waits for the run and prints the outcome; 0 when complete, <see cref="ExitCodes.Differences"/> when records are missing.</summary>
    internal static async Task<int> RunAsync(RunVerifier verifier, RunManifest manifest, TimeSpan timeout, TimeSpan interval, TimeProvider time, TextWriter output, CancellationToken cancellationToken)
    {
        var progress = new InlineProgress<VerifyResult>(r => output.WriteLine(Line(manifest.Run, r)));
        var result = await verifier.WaitAsync(manifest, timeout, interval, time, progress, cancellationToken);
        await output.WriteLineAsync(Line(manifest.Run, result));
        if (result.Complete)
        {
            await output.WriteLineAsync($"run {manifest.Run}: complete — every record is stored or dead-lettered");
            return ExitCodes.Success;
        }

        await output.WriteLineAsync($"run {manifest.Run}: {result.Missing.Count:N0} missing after {timeout}:");
        foreach (var unit in result.Missing.Take(20))
        {
            await output.WriteLineAsync(unit.RecordId is null
                ? $"  event {unit.Event}: undecodable body, no dead letter {unit.Hashes[0]}"
                : $"  event {unit.Event}: record {unit.RecordId} neither stored nor dead-lettered");
        }

        if (result.Missing.Count > 20)
        {
            await output.WriteLineAsync($"  … and {result.Missing.Count - 20:N0} more");
        }

        return ExitCodes.Differences;
    }

    /// <summary>Storage settings from <c>--storage</c>: a connection string, a table endpoint URL, or an account name.</summary>
    internal static Dictionary<string, string?> StorageSettings(string? storage)
    {
        var value = CommonOptions.ResolveStorage(storage);
        if (value.Contains('=', StringComparison.Ordinal))
        {
            return new() { ["AcsFunctions:Storage:ConnectionString"] = value };
        }

        var account = value.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? new Uri(value).Host.Split('.')[0] : value;
        return new()
        {
            ["AcsFunctions:Storage:ConnectionString"] = null,
            ["AcsFunctions:Storage:TableServiceUri"] = $"https://{account}.table.core.windows.net",
            ["AcsFunctions:Storage:BlobServiceUri"] = $"https://{account}.blob.core.windows.net",
        };
    }

    private static string Line(string run, VerifyResult r) =>
        string.Create(CultureInfo.InvariantCulture, $"run {run}: {r.Stored + r.DeadLettered:N0}/{r.Expected:N0} accounted for ({r.Stored:N0} stored, {r.DeadLettered:N0} dead-lettered, {r.Missing.Count:N0} missing)");
}
