using System.Globalization;
using AcsFunctions.Cli.Commands;
using AcsFunctions.Cli.Serve;
using AcsFunctions.Queries;
using AcsFunctions.Rollups;
using AcsFunctions.Schemas.Email;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace AcsFunctions.Cli.Output;

/// <summary>The demo's roll-up step: roll up what was ingested, then the top operations and the call quality.</summary>
internal static class RollupDemo
{
    private const int Top = 10;

    public static async Task RunAsync(DemoContext context, CancellationToken cancellationToken)
    {
        AnsiConsole.MarkupLine("[bold]Rolling up[/] the ingested windows and calls…");
        var result = await context.Services.GetRequiredService<RollupService>().RunAsync(cancellationToken);
        RollupReport.Write(result, json: false);
        if (result.FirstWindow is not { } first || result.LastWindow is not { } last)
        {
            return;
        }

        var queries = context.Services.GetRequiredService<QueryService>();
        var range = new QueryParameters { Kind = QueryKinds.ApiRequests, From = first, To = last.AddMinutes(1), Interval = QueryInterval.OneDay };
        var requests = await queries.Kind<ApiRequestsQuery>(QueryKinds.ApiRequests).AggregatesAsync(range, cancellationToken);
        await AddDashboardViewsAsync(context, queries, range, cancellationToken);
        var operations = AggregateQuery.Merge(
            requests,
            a => (a.Category, a.Operation),
            a => new ApiRequestAggregate { WindowStart = first, Resource = a.Resource, Category = a.Category, Operation = a.Operation, StatusCode = "all" },
            (acc, a) => acc.Merge(a));
        AnsiConsole.Write(OperationTable("Top operations by volume", operations.OrderByDescending(o => o.Count).ThenBy(o => o.Operation, StringComparer.Ordinal)));
        AnsiConsole.Write(OperationTable(
            "Top operations by error rate",
            operations.Where(o => o.Failed > 0).OrderByDescending(o => (double)o.Failed / o.Count).ThenByDescending(o => o.Failed).ThenBy(o => o.Operation, StringComparer.Ordinal)));

        var calls = await queries.QueryAsync(range with { Kind = QueryKinds.Calls, Interval = QueryInterval.OneMinute }, cancellationToken);
        AnsiConsole.Write(CallTable(calls.Rows.Cast<CallRow>()));
        var quality = await queries.QueryAsync(range with { Kind = QueryKinds.CallQuality }, cancellationToken);
        AnsiConsole.Write(QualityTable(quality.Rows.Cast<CallQualityRow>()));
        AnsiConsole.MarkupLine($"[grey]The same through the CLI: acs-diag query api-requests --from {first:yyyy-MM-ddTHH:mmZ} --to {last.AddMinutes(1):yyyy-MM-ddTHH:mmZ} --interval PT1H (see docs/rollups.md).[/]");
    }

    /// <summary>
    /// Where <c>demo --serve</c> points the dashboard: the hours of the sample's API traffic and email (per-minute points), and before
    /// that the two weeks from the first day, where the sample's calls are.
    /// </summary>
    private static async Task AddDashboardViewsAsync(DemoContext context, QueryService queries, QueryParameters range, CancellationToken cancellationToken)
    {
        var firstDay = QueryInterval.OneDay.Floor(range.From);
        context.DashboardViews.Add(new DashboardView($"calls from {firstDay:yyyy-MM-dd}", firstDay, firstDay.AddDays(15), "calls"));
        var api = await queries.Kind<ApiRequestsQuery>(QueryKinds.ApiRequests).AggregatesAsync(range with { Interval = QueryInterval.OneMinute }, cancellationToken);
        var email = await queries.QueryAsync(range with { Kind = QueryKinds.Email, Interval = QueryInterval.OneMinute, View = EmailQuery.DeliveryStatusView }, cancellationToken);
        var minutes = api.Select(a => a.WindowStart).Concat(email.Rows.Cast<EmailDeliveryStatusRow>().Select(r => r.WindowStart)).ToList();
        if (minutes.Count > 0)
        {
            var from = QueryInterval.OneHour.Floor(minutes.Min());
            var to = QueryInterval.OneHour.Floor(minutes.Max()).AddHours(1);
            context.DashboardViews.Add(to - from <= TimeSpan.FromHours(2)
                ? new DashboardView($"API requests and email, {from:yyyy-MM-dd HH:mm}–{to:HH:mm} UTC", from, to, null)
                : new DashboardView($"API requests and email from {from:yyyy-MM-dd}", QueryInterval.OneDay.Floor(from), QueryInterval.OneDay.Floor(from).AddDays(2), null));
        }
    }

    private static Table OperationTable(string title, IEnumerable<ApiRequestAggregate> operations)
    {
        var table = new Table().Title($"[bold]{title}[/]")
            .AddColumn("Operation")
            .AddColumn(new TableColumn("Requests").RightAligned()).AddColumn(new TableColumn("Failed").RightAligned())
            .AddColumn(new TableColumn("Error rate").RightAligned())
            .AddColumn(new TableColumn("p50 ms").RightAligned()).AddColumn(new TableColumn("p95 ms").RightAligned());
        foreach (var o in operations.Take(Top))
        {
            var rate = o.Count == 0 ? 0 : (double)o.Failed / o.Count;
            table.AddRow(
                TerminalText.Escape(o.Operation),
                N(o.Count),
                N(o.Failed),
                (rate > 0 ? "[red]" : "[green]") + rate.ToString("P1", CultureInfo.InvariantCulture) + "[/]",
                Ms(o.DurationMs.Quantile(0.5)),
                Ms(o.DurationMs.Quantile(0.95)));
        }

        return table;
    }

    private static Table CallTable(IEnumerable<CallRow> calls)
    {
        var table = new Table().Title("[bold]Calls[/]")
            .AddColumn(new TableColumn("Correlation id").NoWrap()).AddColumn("Type").AddColumn("Start (UTC)")
            .AddColumn(new TableColumn("Duration s").RightAligned()).AddColumn(new TableColumn("Participants").RightAligned())
            .AddColumn("Endpoints").AddColumn(new TableColumn("Streams").RightAligned()).AddColumn(new TableColumn("Poor").RightAligned())
            .AddColumn("Quality").AddColumn(new TableColumn("Dropped").RightAligned());
        foreach (var c in calls)
        {
            table.AddRow(
                TerminalText.Escape(c.CorrelationId),
                TerminalText.Escape(c.CallType ?? "?"),
                c.CallStartTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                c.DurationSeconds?.ToString("0", CultureInfo.InvariantCulture) ?? "–",
                N(c.Participants),
                TerminalText.Escape(string.Join(", ", c.EndpointsByType.Select(e => $"{e.Key} {e.Value}"))),
                N(c.Streams),
                N(c.PoorStreams),
                Quality(c.Quality),
                N(c.DroppedParticipants));
        }

        return table;
    }

    private static Table QualityTable(IEnumerable<CallQualityRow> rows)
    {
        var table = new Table().Title("[bold]Call quality per day by media type and direction[/]")
            .AddColumn("Day (UTC)").AddColumn("Media").AddColumn("Direction").AddColumn("Transport")
            .AddColumn(new TableColumn("Streams").RightAligned()).AddColumn(new TableColumn("Poor").RightAligned())
            .AddColumn("Poor reasons").AddColumn(new TableColumn("RTT avg ms").RightAligned()).AddColumn(new TableColumn("Jitter avg ms").RightAligned());
        foreach (var r in rows.OrderBy(r => r.WindowStart).ThenBy(r => r.MediaType, StringComparer.Ordinal).ThenBy(r => r.Direction, StringComparer.Ordinal).ThenBy(r => r.Transport, StringComparer.Ordinal))
        {
            table.AddRow(
                r.WindowStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                TerminalText.Escape(r.MediaType),
                TerminalText.Escape(r.Direction),
                TerminalText.Escape(r.Transport),
                N(r.Streams),
                r.PoorStreams > 0 ? $"[red]{N(r.PoorStreams)}[/]" : "0",
                TerminalText.Escape(string.Join(", ", r.PoorReasons.Select(p => $"{p.Key} {p.Value}"))),
                Ms(r.RttMsAvg),
                Ms(r.JitterMsAvg));
        }

        return table;
    }

    private static string Quality(string quality) => quality switch
    {
        CallAggregate.Good => "[green]Good[/]",
        CallAggregate.Poor => "[red]Poor[/]",
        _ => TerminalText.Escape(quality),
    };

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Ms(double? value) => value?.ToString("0.#", CultureInfo.InvariantCulture) ?? "–";
}
