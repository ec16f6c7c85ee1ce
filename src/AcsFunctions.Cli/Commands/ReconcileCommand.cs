using System.CommandLine;
using AcsFunctions.Cli.Output;
using AcsFunctions.Reconcile;
using AcsFunctions.Storage;
using Azure;
using Azure.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Cli.Commands;

/// <summary>
/// <c>acs-diag reconcile --resource &lt;id&gt; --from t --to t [--grain PT1M|PT1H] [--metric m]... [--format table|json]
/// [--metrics-endpoint url] [--storage]</c>: compare ACS platform metrics with our API-request aggregates.
/// </summary>
internal static class ReconcileCommand
{
    public static Command Create()
    {
        var resource = new Option<string>("--resource")
        {
            Description = "The ACS resource id (/subscriptions/…/providers/Microsoft.Communication/CommunicationServices/<name>).",
            Required = true,
        };
        var from = UtcTimeOption.Create("--from", "Start of the compared range (floored to the grain).");
        var to = UtcTimeOption.Create("--to", "End of the compared range, exclusive (floored to the grain).");
        var grain = new Option<string>("--grain") { Description = "Window size: PT1M or PT1H.", DefaultValueFactory = _ => "PT1H" };
        grain.AcceptOnlyFromAmong("PT1M", "PT1H");
        var metrics = new Option<string[]>("--metric")
        {
            Description = "A platform metric to compare (e.g. APIRequestChat); repeat for several. Default: every ACS API-request metric.",
            AllowMultipleArgumentsPerToken = true,
        };
        var format = new Option<string>("--format") { Description = "Output: table or json.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var endpoint = new Option<Uri?>("--metrics-endpoint")
        {
            Description = "Base URL of the Azure Monitor metrics API (default https://management.azure.com/; another cloud's ARM endpoint, or a local test server).",
            CustomParser = result => // System.CommandLine has no Uri converter: without this the option could not be used at all
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
                if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
                {
                    return uri;
                }

                result.AddError($"--metrics-endpoint: '{text}' is not an absolute http(s) URL.");
                return null;
            },
        };
        var store = new Option<bool>("--store")
        {
            Description = "Also store the comparison hour by hour in the Reconciliation table (what the scheduled job does), served by 'query reconciliation'.",
        };
        var storage = CommonOptions.Storage();
        var command = new Command("reconcile", "Compare ACS platform metrics (API requests per operation and status code) with our aggregates.")
        {
            resource, from, to, grain, metrics, format, endpoint, store, storage,
        };
        command.SetAction(async (parse, ct) =>
        {
            var selected = new List<ApiRequestMetric>();
            foreach (var name in parse.GetValue(metrics) ?? [])
            {
                if (ApiRequestMetrics.Find(name) is not { } metric)
                {
                    await Console.Error.WriteLineAsync($"error: unknown metric '{name}'. Known: {string.Join(", ", ApiRequestMetrics.All.Concat(ApiRequestMetrics.OnRequest).Select(m => m.Name))}.");
                    return ExitCodes.InvalidArguments;
                }

                selected.Add(metric);
            }

            var request = new ReconcileRequest
            {
                ResourceId = parse.GetValue(resource)!,
                From = parse.GetValue(from),
                To = parse.GetValue(to),
                Grain = parse.GetValue(grain) == "PT1M" ? TimeSpan.FromMinutes(1) : TimeSpan.FromHours(1),
                Metrics = selected.Count > 0 ? selected : ApiRequestMetrics.All,
            };
            var settings = new Dictionary<string, string?>();
            if (parse.GetValue(endpoint) is { } url)
            {
                settings[ReconcileServiceCollectionExtensions.MetricsEndpointKey] = url.ToString();
            }

            await using var services = CliHost.Build(CommonOptions.ResolveStorage(parse.GetValue(storage)), settings);
            try
            {
                // Before the minute cutoff retention recorded our counts are gone: compared, they would read "we have fewer".
                var job = services.GetRequiredService<ReconcileJob>();
                if (await job.ComparableFromAsync(request.Grain, ct) is { } comparable && request.From < comparable)
                {
                    var why = $"retention deleted our minute aggregates (AggApiRequests) before {comparable:yyyy-MM-ddTHH:mm}Z (AcsFunctions:Retention:MinuteAggregates), so ours would read 0 there";
                    if (request.To <= comparable)
                    {
                        await Console.Error.WriteLineAsync($"error: nothing to compare: {why}; choose --from {comparable:yyyy-MM-ddTHH:mm}Z or later.");
                        return ExitCodes.InvalidArguments;
                    }

                    await Console.Error.WriteLineAsync($"note: compared from {comparable:yyyy-MM-ddTHH:mm}Z, not {request.From.UtcDateTime:yyyy-MM-ddTHH:mm}Z: {why}.");
                    request = request with { From = comparable };
                }

                var report = await services.GetRequiredService<ReconcileService>().RunAsync(request, ct);
                if (parse.GetValue(store))
                {
                    var hours = await job.ReconcileHoursAsync(request.ResourceId, request.From, request.To, ct);
                    await Console.Error.WriteLineAsync($"stored {hours.Count} hour(s) in the Reconciliation table");
                }

                ReconcileOutput.Write(report, parse.GetValue(format) == "json");
                return report.AllEqual ? ExitCodes.Success : ExitCodes.Differences;
            }
            catch (ArgumentException ex)
            {
                await Console.Error.WriteLineAsync($"error: {ex.Message}");
                return ExitCodes.InvalidArguments;
            }
            catch (PlatformMetricsAccessDeniedException ex)
            {
                await Console.Error.WriteLineAsync($"error: {ex.Message}");
                return ExitCodes.Failure;
            }
            catch (AuthenticationFailedException ex)
            {
                await Console.Error.WriteLineAsync($"error: no Azure credential to read platform metrics: {ex.Message.Split('\n')[0]}");
                await Console.Error.WriteLineAsync("hint: run 'az login' (or set AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET); the identity needs 'Monitoring Reader' on the ACS resource.");
                return ExitCodes.Failure;
            }
            catch (RequestFailedException ex) when (!StorageRefusal.Is(ex))
            {
                // Our own storage refusing the credentials goes on to the runner (exit 3, its error code named); the
                // platform metrics' refusals arrive as PlatformMetricsAccessDeniedException above.
                await Console.Error.WriteLineAsync($"error: the metrics query failed ({ex.Status} {ex.ErrorCode}): {ex.Message.Split('\n')[0]}");
                return ExitCodes.Failure;
            }
        });
        return command;
    }
}
