using AcsFunctions.Ingestion;
using Spectre.Console;

namespace AcsFunctions.Cli.Output;

/// <summary>Renders an <see cref="IngestResult"/> as tables or JSON.</summary>
internal static class IngestReport
{
    public static void Write(IngestResult result, bool json)
    {
        if (json)
        {
            Json.Write(ToJson(result));
            return;
        }

        var table = new Table().Title("[bold]Written per category[/]").AddColumn("Category").AddColumn(new TableColumn("Records").RightAligned());
        foreach (var (category, count) in result.ByCategory)
        {
            table.AddRow(TerminalText.Escape(category), N(count));
        }

        AnsiConsole.Write(table);
        if (result.DeadLetteredByReason.Count > 0)
        {
            var dead = new Table().Title("[bold]Dead-lettered per reason[/]").AddColumn("Reason").AddColumn(new TableColumn("Units").RightAligned());
            foreach (var (reason, count) in result.DeadLetteredByReason)
            {
                dead.AddRow(TerminalText.Escape(reason), N(count));
            }

            AnsiConsole.Write(dead);
        }

        AnsiConsole.MarkupLine(Summary(result));
        AnsiConsole.MarkupLine($"[dim]{Markup.Escape(UpsertNote)}[/]");
    }

    /// <summary>
    /// Printed under the summary: the counts are records processed, not new rows. Every row is an upsert under a key
    /// derived from the record, so a re-delivered record (the same file ingested again, a duplicate in the input) is
    /// counted again and overwrites its own row. Telling new rows apart would take a read per row on the hot path.
    /// </summary>
    internal const string UpsertNote =
        "Rows are upserts keyed by the record: a record ingested before, or twice in this input, is counted again and overwrites its own row (no new row).";

    /// <summary>The one-line summary (markup): <c>records = written + unclassified + dead-lettered</c>.</summary>
    internal static string Summary(IngestResult result) =>
        $"[bold]{N(result.Bodies)}[/] {(result.Bodies == 1 ? "body" : "bodies")}, [bold]{N(result.Records)}[/] {(result.Records == 1 ? "record" : "records")}: " +
        $"[green]{N(result.Stored)} written[/], [yellow]{N(result.Unclassified)} unclassified (written raw)[/], [red]{N(result.DeadLettered)} dead-lettered[/] — " +
        (result.Reconciles ? "[green]counts reconcile[/]" : "[red]counts do NOT reconcile[/]");

    /// <summary>A count as the tables write it (thousands separators), for the summary under them.</summary>
    private static string N(long value) => value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The JSON shape of an ingest result (also nested in other commands' JSON).</summary>
    public static object ToJson(IngestResult result) => new
    {
        bodies = result.Bodies,
        records = result.Records,
        stored = result.Stored,
        unclassified = result.Unclassified,
        deadLettered = result.DeadLettered,
        byCategory = result.ByCategory,
        deadLetteredByReason = result.DeadLetteredByReason,
        reconciles = result.Reconciles,
    };

    /// <summary>Runs <paramref name="work"/> with a byte progress bar when attached to a terminal.</summary>
    public static async Task<T> WithProgressAsync<T>(long totalBytes, Func<IProgress<IngestProgress>?, Task<T>> work)
    {
        if (Console.IsOutputRedirected || Console.IsErrorRedirected || totalBytes < 1_000_000)
        {
            return await work(null);
        }

        T result = default!;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask("Ingesting", maxValue: totalBytes);
                var progress = new Progress<IngestProgress>(p =>
                {
                    task.Value = Math.Min(p.Bytes, totalBytes);
                    task.Description = $"Ingesting ({p.Records:N0} records)";
                });
                result = await work(progress);
                task.Value = totalBytes;
            });
        return result;
    }
}
