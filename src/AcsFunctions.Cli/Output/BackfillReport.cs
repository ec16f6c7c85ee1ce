using System.Globalization;
using AcsFunctions.Backfill;
using AcsFunctions.Rollups;
using Spectre.Console;

namespace AcsFunctions.Cli.Output;

/// <summary>Renders a <see cref="BackfillResult"/> as tables or JSON, and shows progress while it runs.</summary>
internal static class BackfillReport
{
    public static void Write(BackfillResult result, bool json)
    {
        if (json)
        {
            Json.Write(new
            {
                blobs = result.Blobs.Count,
                bytesRead = result.BytesRead,
                blobsByAction = result.BlobsByAction.ToDictionary(p => Camel(p.Key), p => p.Value),
                ingest = IngestReport.ToJson(result.Ingest),
                perBlob = result.Blobs.Select(b => new
                {
                    blob = b.Blob,
                    action = Camel(b.Action),
                    firstLine = b.FirstLine,
                    lines = b.Lines,
                    bytes = b.Bytes,
                    records = b.Records,
                }),
            });
            return;
        }

        var table = new Table().Title("[bold]Archive blobs[/]").AddColumn("Action").AddColumn(new TableColumn("Blobs").RightAligned())
            .AddColumn(new TableColumn("Lines read").RightAligned()).AddColumn(new TableColumn("Bytes read").RightAligned()).AddColumn(new TableColumn("Records").RightAligned());
        foreach (var group in result.Blobs.GroupBy(b => b.Action).OrderBy(g => g.Key))
        {
            table.AddRow(Camel(group.Key), N(group.Count()), N(group.Sum(b => b.Lines)), N(group.Sum(b => b.Bytes)), N(group.Sum(b => b.Records)));
        }

        AnsiConsole.Write(table);
        IngestReport.Write(result.Ingest, json: false);
    }

    /// <summary>
    /// The note for a run that found no archive blob at all (a mistyped category or resource, a range without data):
    /// exit 0 would otherwise look like a backfill that did its job.
    /// </summary>
    public static string NothingInRange(BackfillRequest request)
    {
        var containers = request.Categories.Count == 0
            ? $"any {ArchiveContainers.Prefix}* container"
            : string.Join(", ", request.Categories.Select(ArchiveContainers.For));
        var resources = request.Resources.Count == 0 ? string.Empty : $" for {string.Join(", ", request.Resources)}";
        var firstHour = CoarseTiers.FloorHour(request.From).UtcDateTime;
        return $"note: no archive blob in {containers}{resources} whose hour starts in [{firstHour:yyyy-MM-ddTHH:mm}Z, {request.To.UtcDateTime:yyyy-MM-ddTHH:mm}Z): "
            + "check --category (the container is insights-logs-<category lowercased>), --resource and the range (the hour in a blob's path is when the platform received its events).";
    }

    /// <summary>Runs <paramref name="work"/> with a progress bar (bytes, blobs, records) when attached to a terminal.</summary>
    public static async Task<BackfillResult> WithProgressAsync(Func<IProgress<BackfillProgress>?, Task<BackfillResult>> work)
    {
        if (Console.IsOutputRedirected || Console.IsErrorRedirected)
        {
            return await work(null);
        }

        BackfillResult result = null!;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask("Listing archive blobs", maxValue: 1);
                var progress = new Progress<BackfillProgress>(p =>
                {
                    task.MaxValue = Math.Max(1, p.BytesTotal);
                    task.Value = p.Bytes;
                    task.Description = $"Backfill: blob {Math.Min(p.BlobsDone + 1, p.BlobsTotal)}/{p.BlobsTotal}, {p.Records:N0} records";
                });
                result = await work(progress);
                task.Value = task.MaxValue;
            });
        return result;
    }

    private static string Camel(BlobAction action)
    {
        var name = action.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
