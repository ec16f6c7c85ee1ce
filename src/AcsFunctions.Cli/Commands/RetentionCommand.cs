using System.CommandLine;
using System.Globalization;
using AcsFunctions.Cli.Output;
using AcsFunctions.Retention;
using AcsFunctions.Storage;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace AcsFunctions.Cli.Commands;

/// <summary>
/// <c>acs-diag retention [--dry-run] [--max-rows N] [--storage] [--json]</c>: delete (or, dry, list) what is older than
/// each table's retention setting — the same run the roll-up timer makes, by partition-key range and bounded per table.
/// </summary>
internal static class RetentionCommand
{
    public static Command Create()
    {
        var storage = CommonOptions.Storage();
        var json = CommonOptions.Json();
        var dryRun = new Option<bool>("--dry-run") { Description = "Show what would go, table by table (rows, oldest, cutoff); delete nothing." };
        var maxRows = new Option<int?>("--max-rows")
        {
            Description = "Rows read (and so deleted at most) per table and tier in this run (default: AcsFunctions:Retention:MaxRowsPerTable, 5000).",
        };
        maxRows.Check(value => value is < 1 ? "--max-rows must be at least 1." : null);
        var command = new Command("retention", "Delete rows older than each table's retention setting (AcsFunctions:Retention:*), oldest first, by partition-key range.")
        {
            dryRun, maxRows, storage, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var settings = parse.GetValue(maxRows) is { } rows
                ? new Dictionary<string, string?> { [$"{RetentionOptions.SectionName}:{nameof(RetentionOptions.MaxRowsPerTable)}"] = rows.ToString(CultureInfo.InvariantCulture) }
                : null;
            await using var services = CliHost.Build(CommonOptions.ResolveStorage(parse.GetValue(storage)), settings);
            var retention = services.GetRequiredService<RetentionService>();
            var asJson = parse.GetValue(json);
            var dry = parse.GetValue(dryRun);
            try
            {
                // Progress on stderr, one line per table as it finishes, so stdout stays the report (or the JSON). Not for a
                // dry run's table: it deletes nothing, reads only, and its table on stdout has every one of those lines.
                var progress = dry && !asJson ? null : new SynchronousProgress(t => Console.Error.WriteLine(
                    $"{t.Table} ({t.Tier}): {(dry ? $"would delete {t.WouldDelete:N0}" : $"deleted {t.Deleted:N0}")}, kept {t.Kept:N0}{(t.More ? ", more next run" : string.Empty)}"));
                var result = await retention.RunAsync(dry, progress, ct);
                Write(result, asJson);
                return ExitCodes.Success;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return ExitCodes.Success; // Ctrl+C: what is deleted stays deleted; the next run continues
            }
            catch (StorageUnavailableException ex)
            {
                return await CliRunner.UnavailableAsync(ex, "nothing was lost — re-run retention.");
            }
        });
        return command;
    }

    private static void Write(RetentionResult result, bool json)
    {
        if (json)
        {
            Json.Write(result);
            return;
        }

        var table = new Table()
            .Title($"[bold]Retention{(result.DryRun ? " (dry run: nothing deleted)" : string.Empty)}[/] ({result.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s)")
            .AddColumn("Table").AddColumn("Tier").AddColumn(new TableColumn("Days").RightAligned()).AddColumn("Cutoff (UTC)")
            .AddColumn(new TableColumn(result.DryRun ? "Would delete" : "Deleted").RightAligned()).AddColumn(new TableColumn("Kept").RightAligned())
            .AddColumn("Oldest expired (UTC)").AddColumn("More");
        foreach (var t in result.Tables)
        {
            table.AddRow(
                Markup.Escape(t.Table), t.Tier, t.RetentionDays.ToString("0.##", CultureInfo.InvariantCulture), $"{t.Cutoff:yyyy-MM-dd HH:mm}",
                (result.DryRun ? t.WouldDelete : t.Deleted).ToString("N0", CultureInfo.InvariantCulture), t.Kept.ToString("N0", CultureInfo.InvariantCulture),
                t.Oldest is { } o ? $"{o:yyyy-MM-dd HH:mm}" : "-", t.More ? "yes" : string.Empty);
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(
            $"{result.RowsRead:N0} expired rows read, {result.GuardRowsRead:N0} guard rows (pending marks, hour/day rows), {result.ReadQueries:N0} queries, {result.Transactions:N0} transactions.");
        if (result.OrphanBlobsDeleted > 0)
        {
            AnsiConsole.MarkupLine($"{result.OrphanBlobsDeleted:N0} payload blobs deleted whose rows an earlier run deleted before it stopped.");
        }

        if (result.UnreadableIntents.Count > 0)
        {
            var keys = string.Join(", ", result.UnreadableIntents.Take(10));
            AnsiConsole.MarkupLine("[yellow]" + Markup.Escape(
                $"{result.UnreadableIntents.Count:N0} blob intents in the RetentionState table (partition blobs) cannot be read: {keys}. "
                + "The payload blobs they name may stay after their rows: inspect each row, delete the blobs whose rows are gone, then the row (docs/retention.md).") + "[/]");
        }

        if (result.Tables.Sum(t => t.Kept) > 0)
        {
            AnsiConsole.MarkupLine("[yellow]Kept rows are older than their cutoff but still needed by the roll-up (a pending mark, or no hour/day row yet); a later run deletes them.[/]");
        }

        if (result.More)
        {
            AnsiConsole.MarkupLine("[yellow]Some tables stopped at their per-run bound (--max-rows / MaxRowsPerTable): run again, or let the roll-up timer continue.[/]");
        }
    }

    /// <summary>Reports on the caller's thread at once (<see cref="Progress{T}"/> would post to the thread pool, out of order).</summary>
    private sealed class SynchronousProgress(Action<RetentionTableResult> report) : IProgress<RetentionTableResult>
    {
        public void Report(RetentionTableResult value) => report(value);
    }
}
