using System.CommandLine;
using AcsFunctions.Cli.Output;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Cli.Commands;

/// <summary><c>acs-diag rollup [--storage] [--watch [--interval]] [--json]</c>: recompute every pending window and call.</summary>
internal static class RollupCommand
{
    public static Command Create()
    {
        var storage = CommonOptions.Storage();
        var json = CommonOptions.Json();
        var watch = new Option<bool>("--watch") { Description = "Repeat the roll-up on an interval until Ctrl+C (like the timer function)." };
        var interval = new Option<TimeSpan>("--interval")
        {
            Description = "With --watch: pause between runs (a TimeSpan such as 00:01:00, or seconds such as 30). Default 1 minute.",
            DefaultValueFactory = _ => TimeSpan.FromMinutes(1),
            CustomParser = result =>
            {
                var token = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
                if (int.TryParse(token, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
                {
                    return TimeSpan.FromSeconds(seconds);
                }

                if (TimeSpan.TryParse(token, System.Globalization.CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero)
                {
                    return span;
                }

                result.AddError($"--interval: '{token}' is not a positive duration (e.g. 30 or 00:05:00).");
                return default;
            },
        };
        var command = new Command("rollup", "Recompute the aggregates of every window and call changed since the last roll-up (exact: replace, never increment).")
        {
            storage, watch, interval, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            await using var services = CliHost.Build(CommonOptions.ResolveStorage(parse.GetValue(storage)));
            var rollup = services.GetRequiredService<RollupService>();
            var asJson = parse.GetValue(json);
            try
            {
                if (parse.GetValue(watch))
                {
                    // One JSON object per line while watching, so the stream can be read run by run.
                    await RollupWatch.RunAsync(
                        token => RollupReport.WithStatusAsync(() => rollup.RunAsync(token)),
                        result => RollupReport.Write(result, asJson, compact: true),
                        ex => Console.Error.WriteLine($"error: {ex.Message} (retrying in {parse.GetValue(interval)}; pending work stays marked)"),
                        parse.GetValue(interval),
                        services.GetRequiredService<TimeProvider>(),
                        ct);
                    return ExitCodes.Success;
                }

                var result = await RollupReport.WithStatusAsync(() => rollup.RunAsync(ct));
                RollupReport.Write(result, asJson);
                return result.Failed == 0 ? ExitCodes.Success : ExitCodes.Failure;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return ExitCodes.Success; // Ctrl+C; an interrupted run leaves its marks pending
            }
            catch (StorageUnavailableException ex)
            {
                return await CliRunner.UnavailableAsync(ex, "pending work stays marked — re-run the roll-up.");
            }
        });
        return command;
    }
}
