using System.CommandLine;
using AcsFunctions.Backfill;
using AcsFunctions.Cli.Output;
using AcsFunctions.Storage;
using Azure;
using Azure.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcsFunctions.Cli.Commands;

/// <summary>
/// <c>acs-diag backfill --source &lt;conn|url&gt; [--category c]... [--resource id]... --from t --to t [--storage] [--json]</c>:
/// ingest a diagnostic-settings storage archive, resumably.
/// </summary>
internal static class BackfillCommand
{
    public static Command Create()
    {
        var source = new Option<string>("--source")
        {
            Description = "The archive storage account: a connection string (Azurite: UseDevelopmentStorage=true), a blob service URL with a SAS token, or a blob service URL (https://<account>.blob.core.windows.net) for identity-based access (DefaultAzureCredential).",
            Required = true,
        };
        var categories = new Option<string[]>("--category")
        {
            Description = "A category to backfill (its container is insights-logs-<category lowercased>); repeat for several. Default: every insights-logs-* container.",
            AllowMultipleArgumentsPerToken = true,
        };
        var resources = new Option<string[]>("--resource")
        {
            Description = "An ACS resource id to backfill; repeat for several. Default: every resource in the archive.",
            AllowMultipleArgumentsPerToken = true,
        };
        var from = UtcTimeOption.Create("--from", "Start: hourly blobs from the hour containing this time.");
        var to = UtcTimeOption.Create("--to", "End (exclusive): hourly blobs whose hour starts before this time.");
        var storage = CommonOptions.Storage();
        var json = CommonOptions.Json();
        var command = new Command("backfill", "Ingest the hourly PT1H.json blobs of a diagnostic-settings storage archive (resumable: re-runs store nothing twice).")
        {
            source, categories, resources, from, to, storage, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var request = new BackfillRequest
            {
                Categories = parse.GetValue(categories) ?? [],
                Resources = parse.GetValue(resources) ?? [],
                From = parse.GetValue(from),
                To = parse.GetValue(to),
            };
            if (request.To <= request.From)
            {
                await Console.Error.WriteLineAsync("error: --to must be after --from.");
                return ExitCodes.InvalidArguments;
            }

            await using var services = CliHost.Build(CommonOptions.ResolveStorage(parse.GetValue(storage)));
            ArchiveSource archive;
            try
            {
                // The archive gets the same bounded wait (AcsFunctions:Storage:NetworkTimeout, MaxRetries) as the tables,
                // and the same fail-fast: an archive endpoint that never answered (refused, no such host) is one error at once.
                var bounded = StorageClientOptions.Bound(
                    StorageClientOptions.NewBlobOptions(),
                    services.GetRequiredService<IOptions<StorageOptions>>().Value,
                    services.GetRequiredService<ILoggerFactory>().CreateLogger("AcsFunctions.Backfill.Archive"),
                    services.GetRequiredService<StorageReachability>(),
                    StorageReachability.Archive);
                archive = ArchiveSource.Connect(parse.GetValue(source)!, options: bounded);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
            {
                await Console.Error.WriteLineAsync($"error: --source is neither a storage connection string nor a blob service URL: {ex.Message}");
                return ExitCodes.InvalidArguments;
            }
            var service = services.GetRequiredService<BackfillService>();
            try
            {
                var result = await BackfillReport.WithProgressAsync(progress => service.RunAsync(archive, request, progress, ct));
                BackfillReport.Write(result, parse.GetValue(json));
                if (result.Blobs.Count == 0)
                {
                    await Console.Error.WriteLineAsync(BackfillReport.NothingInRange(request));
                }

                return result.Ingest.Reconciles ? ExitCodes.Success : ExitCodes.Failure;
            }
            catch (StorageUnavailableException ex) when (ex.Service == StorageReachability.Archive)
            {
                // Only the fail-fast names the archive, and its error already asks about --source: the hint does not repeat it.
                await Console.Error.WriteLineAsync($"error: {ex.Message}");
                await Console.Error.WriteLineAsync("hint: nothing was read from it — re-run the same command once it answers.");
                return ExitCodes.StorageUnavailable;
            }
            catch (StorageUnavailableException ex)
            {
                return await CliRunner.UnavailableAsync(ex, "re-run the same command — it continues from its checkpoints.");
            }
            catch (Exception ex) when (ex is AggregateException or RequestFailedException && TransientErrors.IsTransient(ex) && !ct.IsCancellationRequested && archive.Answered(ex))
            {
                // Only what the archive's client saw: the destination's outages arrive as StorageUnavailableException above,
                // and anything else transient goes on to the runner ("storage is unavailable", exit 3).
                await Console.Error.WriteLineAsync($"error: the archive account is unavailable: {TransientErrors.Describe(ex)}");
                await Console.Error.WriteLineAsync("hint: check --source (and the network); finished chunks are checkpointed — re-run the same command to continue.");
                return ExitCodes.StorageUnavailable;
            }
            catch (RequestFailedException ex) when (StorageRefusal.Is(ex) && !archive.Answered(ex))
            {
                // Our own storage (the tables and blobs records go to) refused: the runner's refusal, exit 3, as for every
                // command — naming it, since the archive is storage too and its refusal sends the operator elsewhere.
                throw new StorageRefusedException(ex, Destination);
            }
            catch (RequestFailedException ex) when (StorageRefusal.Is(ex))
            {
                await Console.Error.WriteLineAsync($"error: {Archive} refused access ({StorageRefusal.Status(ex)}).");
                await Console.Error.WriteLineAsync("hint: the identity needs the 'Storage Blob Data Reader' role on the archive account (or pass a connection string / SAS URL with list and read permissions).");
                return ExitCodes.Failure;
            }
            catch (RequestFailedException ex) when (!TransientErrors.IsTransient(ex))
            {
                // Another error answer (e.g. 404 ContainerNotFound): the account that sent it, which is not always the archive.
                await Console.Error.WriteLineAsync($"error: {(archive.Answered(ex) ? Archive : Destination)} answered {ex.Status} {ex.ErrorCode}: {CliRunner.FirstLine(ex.Message)}");
                await Console.Error.WriteLineAsync("hint: finished chunks are checkpointed; re-run the same command to continue.");
                return ExitCodes.Failure;
            }
            catch (AuthenticationFailedException ex)
            {
                // The archive's: the destination here is always a connection string (--storage, CliHost), never a token.
                await Console.Error.WriteLineAsync($"error: no Azure credential for the archive account: {ex.Message.Split('\n')[0]}");
                await Console.Error.WriteLineAsync("hint: run 'az login' (or set AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET), or pass a connection string.");
                return ExitCodes.Failure;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync("interrupted: every finished chunk is checkpointed; re-run the same command to continue.");
                return ExitCodes.Failure;
            }
        });
        return command;
    }

    /// <summary>How errors name the archive.</summary>
    private const string Archive = "the archive account (--source)";

    /// <summary>How errors name the storage records are written to.</summary>
    private const string Destination = "the destination storage (--storage)";
}
