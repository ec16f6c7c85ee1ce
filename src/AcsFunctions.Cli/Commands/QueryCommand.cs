using System.CommandLine;
using System.Globalization;
using AcsFunctions.Cli.Output;
using AcsFunctions.Queries;
using AcsFunctions.Storage;
using Azure;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Cli.Commands;

/// <summary>
/// <c>acs-diag query &lt;kind&gt; --from t --to t [--interval PT1M|PT5M|PT1H|P1D] [--resource] [--category] [--operation]
/// [--view] [--format table|json|csv] [--storage]</c>: the roll-up aggregates through <see cref="QueryService"/> — the same
/// parameters and JSON as the HTTP API.
/// </summary>
internal static class QueryCommand
{
    public static Command Create()
    {
        var kind = new Argument<string>("kind")
        {
            Description = $"What to query: {QueryKinds.ApiRequests}, {QueryKinds.Calls}, {QueryKinds.CallVolume}, {QueryKinds.CallQuality}, {QueryKinds.Email}, {QueryKinds.Usage}, {QueryKinds.DeadLetters}, {QueryKinds.Health}, {QueryKinds.Schema} (schema drift and field inventory) or reconciliation.",
        };
        var from = new Option<string>("--from") { Description = "Start, inclusive: ISO-8601 (UTC without an offset), a date, now, or now-<duration> (now-1h).", Required = true };
        var to = new Option<string>("--to") { Description = "End, exclusive (same forms as --from).", Required = true };
        var interval = new Option<string?>("--interval") { Description = "Row interval: PT1M (default), PT5M, PT1H or P1D; coarser rows merge the 1-minute rows (percentiles from merged histograms)." };
        var resource = new Option<string?>("--resource") { Description = "Only this ACS resource (its name)." };
        var category = new Option<string?>("--category") { Description = "Only this category (e.g. SMSOperational)." };
        var operation = new Option<string?>("--operation") { Description = "Only this operation (e.g. SMSMessagesSent)." };
        var view = new Option<string?>("--view") { Description = ViewHelp() };
        var format = new Option<string>("--format") { Description = "Output: table, json or csv.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "csv");
        var storage = CommonOptions.Storage();
        var command = new Command("query", "Query the rolled-up aggregates (run 'acs-diag rollup' first to include the latest data).")
        {
            kind, from, to, interval, resource, category, operation, view, format, storage,
        };
        command.SetAction(async (parse, ct) =>
        {
            var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
            {
                ["from"] = parse.GetValue(from),
                ["to"] = parse.GetValue(to),
                ["interval"] = parse.GetValue(interval),
                ["resource"] = parse.GetValue(resource),
                ["category"] = parse.GetValue(category),
                ["operation"] = parse.GetValue(operation),
                ["view"] = parse.GetValue(view),
            };
            await using var services = CliHost.Build(CommonOptions.ResolveStorage(parse.GetValue(storage)));
            var queries = services.GetRequiredService<QueryService>();
            try
            {
                var result = await queries.QueryAsync(parse.GetValue(kind)!, values, ct);
                QueryOutput.Write(result, parse.GetValue(format)!);
                if (result.IncompleteWindows.Count > 0)
                {
                    await Console.Error.WriteLineAsync(
                        $"note: {result.IncompleteWindows.Count} minutes from {result.IncompleteWindows[0]:yyyy-MM-ddTHH:mmZ} to {result.IncompleteWindows[^1]:yyyy-MM-ddTHH:mmZ} " +
                        "have roll-up work pending (or interrupted); rows covering them are marked incomplete and may change — run acs-diag rollup.");
                }

                // One line per part, grouped as the HTTP header groups them (AcsFunctions-Expired): a range unaligned at both
                // ends has two minute-tier parts, and one line from the first start to the last end would claim the middle,
                // which reads kept hourly or daily rows.
                foreach (var (tier, setting, from, to) in ExpiredWindows.Parts(result.Expired))
                {
                    await Console.Error.WriteLineAsync(ExpiredNote(tier, setting, from, to));
                }

                if (result.Windowed && PartialRowsNote(result.Parameters) is { } partial)
                {
                    await Console.Error.WriteLineAsync(partial);
                }

                return ExitCodes.Success;
            }
            catch (QueryParameterException ex)
            {
                // The option as typed (--interval), not the exception's "(Parameter 'interval')" suffix.
                var name = ex.ParamName switch { null => null, "kind" => "<kind>", var option => "--" + option };
                await Console.Error.WriteLineAsync($"error: {(name is null ? string.Empty : name + ": ")}{TerminalText.Plain(ex.Problem)}");
                await Console.Error.WriteLineAsync("hint: acs-diag query --help shows the usage.");
                return ExitCodes.InvalidArguments;
            }
            catch (StorageUnavailableException ex)
            {
                return await CliRunner.UnavailableAsync(ex, "re-run the query once storage answers.");
            }
            catch (RequestFailedException ex) when (StorageRefusal.Is(ex) && !ct.IsCancellationRequested)
            {
                // Storage answered but refused the credentials (a role, a firewall, an expired SAS): the runner reports it
                // as every refusal (exit 3, the error code and what it means, the hint); the line names the query's kind.
                throw new StorageRefusedException(ex, "table storage", $"for the {parse.GetValue(kind)} query");
            }
        });
        return command;
    }

    /// <summary>
    /// The note for a part of the answer read from <paramref name="tier"/> rows older than retention's cutoff. Retention
    /// records the cutoff before it deletes, and its guards and per-run bound keep rows below it for a while, so the rows
    /// "may be gone", not "are gone". The advice names what reads a longer-kept tier instead: hourly rows for minutes,
    /// daily rows for hours, nothing for days.
    /// </summary>
    internal static string ExpiredNote(string tier, string setting, DateTimeOffset from, DateTimeOffset to) =>
        string.Create(CultureInfo.InvariantCulture, $"note: the {tier} rows this answer needs from {from.UtcDateTime:yyyy-MM-ddTHH:mm}Z to {to.UtcDateTime:yyyy-MM-ddTHH:mm}Z ")
        + $"are older than AcsFunctions:Retention:{setting} and retention has been deleting them: some or all may be gone, and what is missing there is not zero traffic. "
        + tier switch
        {
            "minute" => "Query older data at PT1H or P1D from and to whole hours (hourly rows are kept longer).",
            "hour" => "Query older data at P1D from and to whole days (daily rows are kept longer).",
            _ => "Daily rows are the coarsest: nothing coarser is kept.",
        };

    /// <summary>
    /// The note for a range that starts or ends inside a row's window (<c>--from 10:37 --interval PT1H</c>): that row holds
    /// only the minutes in range under its window's start, so it reads as a quieter window than it was. Null when both
    /// ends are on the interval's boundaries (always for <c>PT1M</c>) or the range holds no minute.
    /// </summary>
    internal static string? PartialRowsNote(QueryParameters query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (from, to, interval) = (query.FirstMinute, query.EndMinute, query.Interval);
        if (from >= to)
        {
            return null;
        }

        var first = interval.Floor(from);
        var last = interval.Floor(to.AddMinutes(-1));
        var (startsInside, endsInside) = (first != from, last + interval.Length != to);
        if (!startsInside && !endsInside)
        {
            return null;
        }

        var rows = first == last
            ? $"its only row ({Time(first)}) counts {Time(from)} to {Time(to)}"
            : string.Join(", ", new[]
            {
                startsInside ? $"the first row ({Time(first)}) counts {Time(from)} to {Time(first + interval.Length)} only" : null,
                endsInside ? $"the last row ({Time(last)}) counts {Time(last)} to {Time(to)} only" : null,
            }.OfType<string>());
        return $"note: the range does not start and end on whole {interval.Name} windows: {rows}; "
            + "a partial row reads quieter than its window was. Give --from and --to on whole windows to compare rows.";

        static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The <c>--view</c> help, from the views the kinds parse (<see cref="QueryKinds.Views"/>), so it names every view
    /// the parser accepts: e.g. <c>api-requests: detail (default), operations, status-codes, status-classes</c>.
    /// </summary>
    internal static string ViewHelp() =>
        "For kinds with several shapes (the others take no --view): "
        + string.Join("; ", QueryKinds.Views.Select(k => $"{k.Kind}: {k.Views[0]} (default), {string.Join(", ", k.Views.Skip(1))}"))
        + ". See docs/rollups.md for each view's fields.";
}
