using System.Globalization;
using AcsFunctions.Reconcile;
using Spectre.Console;

namespace AcsFunctions.Cli.Output;

/// <summary>Renders a <see cref="ReconcileReport"/> as a table or JSON.</summary>
internal static class ReconcileOutput
{
    public static void Write(ReconcileReport report, bool json)
    {
        if (json)
        {
            Json.Write(new
            {
                resourceId = report.ResourceId,
                from = report.From,
                to = report.To,
                grain = report.Grain == TimeSpan.FromHours(1) ? "PT1H" : "PT1M",
                rows = report.Rows.Select(r => new
                {
                    metric = r.Metric,
                    category = r.Category,
                    operation = r.Operation,
                    statusCode = r.StatusCode,
                    platform = r.Platform,
                    ours = r.Ours,
                    difference = r.Difference,
                    verdict = Verdict(r.Verdict),
                    differingWindows = r.DifferingWindows.Select(w => new { start = w.Start, platform = w.Platform, ours = w.Ours }),
                }),
                totals = new { platform = report.Platform, ours = report.Ours, difference = report.Difference, verdict = Verdict(report.Verdict) },
                allEqual = report.AllEqual,
            });
            return;
        }

        var table = new Table()
            .Title($"[bold]Platform metrics vs our aggregates[/] {TerminalText.Escape(report.ResourceId)} {report.From:yyyy-MM-dd HH:mm}–{report.To:yyyy-MM-dd HH:mm} UTC")
            .AddColumn("Metric").AddColumn("Operation").AddColumn("Status")
            .AddColumn(new TableColumn("Platform").RightAligned()).AddColumn(new TableColumn("Ours").RightAligned())
            .AddColumn(new TableColumn("Difference").RightAligned()).AddColumn("Verdict");
        foreach (var r in report.Rows)
        {
            table.AddRow(TerminalText.Escape(r.Metric), TerminalText.Escape(r.Operation), TerminalText.Escape(r.StatusCode), N(r.Platform), N(r.Ours), Signed(r.Difference), Colored(r.Verdict));
        }

        table.AddEmptyRow();
        table.AddRow("[bold]Total[/]", string.Empty, string.Empty, N(report.Platform), N(report.Ours), Signed(report.Difference), Colored(report.Verdict));
        AnsiConsole.Write(table);
        foreach (var r in report.Rows.Where(r => r.DifferingWindows.Count > 0))
        {
            var windows = string.Join(", ", r.DifferingWindows.Take(5).Select(w => $"{w.Start:MM-dd HH:mm} {Signed(w.Ours - w.Platform)}"));
            AnsiConsole.MarkupLine($"  {TerminalText.Escape(r.Metric)}/{TerminalText.Escape(r.Operation)}/{TerminalText.Escape(r.StatusCode)} differs in {r.DifferingWindows.Count} window(s): {TerminalText.Escape(windows)}{(r.DifferingWindows.Count > 5 ? ", …" : string.Empty)}");
        }

        if (report.Rows.Count == 0)
        {
            AnsiConsole.MarkupLine("[yellow]No API requests in range on either side.[/]");
        }
    }

    private static string Verdict(ReconcileVerdict verdict) => verdict switch
    {
        ReconcileVerdict.Equal => "equal",
        ReconcileVerdict.Fewer => "we have fewer",
        _ => "we have more",
    };

    private static string Colored(ReconcileVerdict verdict) => verdict switch
    {
        ReconcileVerdict.Equal => "[green]equal[/]",
        ReconcileVerdict.Fewer => "[yellow]we have fewer — not delivered yet or lost upstream[/]",
        _ => "[red]we have more[/]",
    };

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Signed(long value) => value.ToString("+#,0;-#,0;0", CultureInfo.InvariantCulture);
}
