using System.Globalization;
using AcsFunctions.Rollups;
using Spectre.Console;

namespace AcsFunctions.Cli.Output;

/// <summary>Renders a <see cref="RollupResult"/> as a table or JSON.</summary>
internal static class RollupReport
{
    /// <summary>Writes a result; <paramref name="compact"/> JSON is one line (a stream of runs).</summary>
    public static void Write(RollupResult result, bool json, bool compact = false)
    {
        if (result.Leased > 0)
        {
            // On stderr whatever the format: the run did not recompute everything, and says why.
            Console.Error.WriteLine(
                $"warning: {result.Leased} pending marks are leased by another roll-up (or one that stopped) until {result.LeasedUntil:yyyy-MM-ddTHH:mm:ssZ}; " +
                "they were skipped and their windows are flagged incomplete by queries until a run recomputes them.");
        }

        if (json)
        {
            Json.Write(ToJson(result), compact);
            return;
        }

        var table = new Table()
            .Title($"[bold]Roll-up {Markup.Escape(result.RunId)}[/] ({result.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s)")
            .AddColumn("Recomputed").AddColumn(new TableColumn("Count").RightAligned());
        table.AddRow("Record windows (minute × resource × category)", N(result.Windows));
        table.AddRow("Calls", N(result.Calls));
        table.AddRow("Call-start windows", N(result.CallWindows));
        table.AddRow("Rows read (raw records)", N(result.RecordRowsRead));
        table.AddRow("Rows read (aggregates)", N(result.AggregateRowsRead));
        table.AddRow("Read round trips (range queries, pages)", N(result.ReadQueries));
        table.AddRow("Write round trips", N(result.WriteRequests));
        table.AddRow("Aggregate rows written", N(result.RowsWritten));
        table.AddRow("Stale aggregate rows deleted", N(result.RowsDeleted));
        AnsiConsole.Write(table);
        if (result.FirstWindow is { } first && result.LastWindow is { } last)
        {
            AnsiConsole.MarkupLine($"Windows {first:yyyy-MM-dd HH:mm}–{last:yyyy-MM-dd HH:mm} UTC.");
        }

        if (result.Processed == 0)
        {
            AnsiConsole.MarkupLine("[grey]Nothing pending: every window and call is up to date.[/]");
        }

        if (result.Retained + result.Skipped > 0)
        {
            AnsiConsole.MarkupLine($"[yellow]{result.Retained} changed while being recomputed and {result.Skipped} are owned by another run: they stay pending for the next run.[/]");
        }

        if (result.LateNotMerged > 0)
        {
            AnsiConsole.MarkupLine($"[yellow]{result.LateNotMerged} hours or days kept their rows: late data for them came after retention deleted their minute and raw rows (see `late` in query health, docs/retention.md).[/]");
        }

        if (result.OutOfRange > 0)
        {
            AnsiConsole.MarkupLine($"[red]{result.OutOfRange} hour or day marks named a period outside the accepted event times and were dropped (see the log: MarkOutOfRange).[/]");
        }

        if (result.Failed > 0)
        {
            AnsiConsole.MarkupLine($"[red]{result.Failed} failed (see the log); they stay pending and are retried by the next run.[/]");
        }
    }

    /// <summary>The JSON shape of a roll-up result (also nested in the demo's).</summary>
    public static object ToJson(RollupResult result) => new
    {
        runId = result.RunId,
        windows = result.Windows,
        calls = result.Calls,
        callWindows = result.CallWindows,
        processed = result.Processed,
        retained = result.Retained,
        skipped = result.Skipped,
        leased = result.Leased,
        leasedUntil = result.LeasedUntil,
        failed = result.Failed,
        lateNotMerged = result.LateNotMerged,
        outOfRange = result.OutOfRange,
        recordRowsRead = result.RecordRowsRead,
        aggregateRowsRead = result.AggregateRowsRead,
        readQueries = result.ReadQueries,
        writeRequests = result.WriteRequests,
        rowsWritten = result.RowsWritten,
        rowsDeleted = result.RowsDeleted,
        firstWindow = result.FirstWindow,
        lastWindow = result.LastWindow,
        elapsedSeconds = Math.Round(result.Elapsed.TotalSeconds, 3),
    };

    /// <summary>Runs <paramref name="work"/> under a spinner when attached to a terminal.</summary>
    public static async Task<T> WithStatusAsync<T>(Func<Task<T>> work)
    {
        if (Console.IsOutputRedirected || Console.IsErrorRedirected)
        {
            return await work();
        }

        return await AnsiConsole.Status().StartAsync("Rolling up pending windows and calls…", _ => work());
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
