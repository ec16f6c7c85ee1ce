using System.Globalization;
using AcsFunctions.Cli.Commands;
using AcsFunctions.Health;
using AcsFunctions.Queries;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace AcsFunctions.Cli.Output;

/// <summary>
/// The terminal view of the <c>health</c> query: one line per category × source with the lags folded into
/// <c>p50 / p95 / max</c> cells (JSON and CSV keep every field).
/// </summary>
internal static class HealthTable
{
    private const int MaxSourceWidth = 28;

    /// <summary>The demo's last step: the health of what it just ingested (the last hour's ingest).</summary>
    public static async Task DemoAsync(DemoContext context, CancellationToken cancellationToken)
    {
        var queries = context.Services.GetRequiredService<QueryService>();
        var now = context.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var parameters = new QueryParameters { Kind = QueryKinds.Health, From = now.AddHours(-1), To = now.AddMinutes(1) };
        var result = await queries.QueryAsync(parameters, cancellationToken);
        Write(Create(result.Rows.Cast<HealthRow>(), parameters));
        AnsiConsole.MarkupLine($"[grey]The same through the CLI: acs-diag query health --from now-1h --to now (see docs/operations.md, Pipeline health).[/]");
    }

    /// <summary>
    /// The table; the enqueued-time and lag columns only when some row has them (Event Hubs sources — file and blob
    /// sources have no enqueued time).
    /// </summary>
    public static Table Create(IEnumerable<HealthRow> rows, QueryParameters parameters)
    {
        var list = rows.ToList();
        var hub = list.Exists(r => r.LastEnqueuedTime is not null);
        var table = new Table()
            .Title($"[bold]health[/] ingest hours overlapping {parameters.From:yyyy-MM-dd HH:mm}–{parameters.To:yyyy-MM-dd HH:mm} UTC")
            .AddColumn("category").AddColumn("source")
            .AddColumn(new TableColumn("records").RightAligned()).AddColumn(new TableColumn("stored").RightAligned())
            .AddColumn(new TableColumn("unclass.").RightAligned()).AddColumn(new TableColumn("dead").RightAligned())
            .AddColumn("dead by reason").AddColumn("last event");
        if (hub)
        {
            table.AddColumn("last enqueued")
                .AddColumn(new TableColumn("ingest lag s\np50 / p95 / max").RightAligned())
                .AddColumn(new TableColumn("delivery lag s\np50 / p95 / max").RightAligned());
        }

        table.AddColumn(new TableColumn("roll-up backlog\nmarks (oldest)").RightAligned());
        foreach (var r in list)
        {
            var cells = new List<string>
            {
                TerminalText.Escape(r.Category),
                TerminalText.Escape(Source(r)),
                N(r.Records),
                N(r.Stored),
                N(r.Unclassified),
                r.DeadLettered > 0 ? $"[yellow]{N(r.DeadLettered)}[/]" : "0",
                TerminalText.Escape(string.Join(", ", r.DeadLetteredByReason.Select(p => $"{p.Key} {p.Value}"))),
                Time(r.LastEventTime),
            };
            if (hub)
            {
                cells.Add(Time(r.LastEnqueuedTime));
                cells.Add(Lags(r.IngestLagSecondsP50, r.IngestLagSecondsP95, r.IngestLagSecondsMax));
                cells.Add(Lags(r.DeliveryLagSecondsP50, r.DeliveryLagSecondsP95, r.DeliveryLagSecondsMax));
            }

            cells.Add(r.RollupPendingWindows == 0 ? "0" : $"{N(r.RollupPendingWindows)} ({Seconds(r.RollupOldestPendingSeconds)} s{(r.RollupLeasedMarks > 0 ? $", {N(r.RollupLeasedMarks)} leased" : string.Empty)})");
            table.AddRow([.. cells]);
        }

        return table;
    }

    /// <summary>Writes the table (redirected output is not wrapped, see <see cref="ConsoleWidth"/>).</summary>
    public static void Write(Table table) => AnsiConsole.Write(table);

    private static string Source(HealthRow row)
    {
        if (row.Source is not { } source)
        {
            return "(no ingest in range)";
        }

        var text = row.SourceType == HealthSource.EventHub ? "partition " + source : source;
        // On a terminal a long blob path keeps its tail; redirected output has the room for all of it.
        return text.Length <= MaxSourceWidth || Console.IsOutputRedirected ? text : "…" + text[^(MaxSourceWidth - 1)..];
    }

    private static string Lags(double? p50, double? p95, double? max) =>
        max is null ? "–" : $"{Seconds(p50)} / {Seconds(p95)} / {Seconds(max)}";

    private static string Seconds(double? value) => value?.ToString("0.#", CultureInfo.InvariantCulture) ?? "–";

    private static string Time(DateTimeOffset? time) => time?.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "–";

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
