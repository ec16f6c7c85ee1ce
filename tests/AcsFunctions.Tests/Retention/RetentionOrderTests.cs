using System.Globalization;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using static AcsFunctions.Tests.Retention.RetentionTestData;
using MinuteWindows = AcsFunctions.Storage.Windows;

namespace AcsFunctions.Tests.Retention;

/// <summary>
/// Retention review holes (issue 17): rows a guard keeps at the front of a table do not stall the expired rows behind
/// them (a resume point per step), and a row whose delete fails keeps its payload blob (rows go before their blobs); a run
/// that stops between its row and blob deletes leaves no orphan blob for good (the next run finishes from its intents).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class RetentionOrderTests(AzuriteFixture azurite)
{
    private const string Resource = "RES~00000000";
    private const string Category = "ACSAuthIncomingOperations";

    private static string Partition(DateTimeOffset minute) => $"{MinuteWindows.Key(minute)}|{Resource}|{Category}";

    private static TableEntity Record(DateTimeOffset minute, int i) => new(Partition(minute), i.ToString("D32", CultureInfo.InvariantCulture));

    [Fact]
    public async Task MoreKeptRowsAtTheFrontThanTheBound_DoNotStallTheExpiredRowsBehindThem()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString, new Dictionary<string, string?> { ["AcsFunctions:Retention:MaxRowsPerTable"] = "100" });
        var now = storage.Time.GetUtcNow();
        var held = now.AddDays(-45);
        var free = held.AddMinutes(5);
        // 150 expired records of a minute whose window mark is pending (not rolled up yet: kept), then 40 expired ones behind them.
        await WriteAsync(storage, TableNames.Records, Enumerable.Range(0, 150).Select(i => Record(held, i)));
        await WriteAsync(storage, TableNames.Records, Enumerable.Range(0, 40).Select(i => Record(free, i)));
        await storage.Services.GetRequiredService<MarkStore>().MarkAsync(RollupMarkKinds.Window, Partition(held), Resource, Category, held, default);

        var first = (await RunAsync(storage)).Tables.Single(t => t.Table == TableNames.Records);
        var second = (await RunAsync(storage)).Tables.Single(t => t.Table == TableNames.Records);

        Assert.Equal((100L, 100L, 0L, true), (first.RowsRead, first.Kept, first.Deleted, first.More));
        Assert.Equal((90L, 50L, 40L, false), (second.RowsRead, second.Kept, second.Deleted, second.More));
        var left = await storage.AllAsync(TableNames.Records);
        Assert.Equal(150, left.Count);
        Assert.All(left, r => Assert.Equal(Partition(held), r.PartitionKey));

        // The second run reached the end: the next starts at the front again, and once the mark is done the kept rows go.
        foreach (var mark in await storage.AllAsync(TableNames.RollupPending))
        {
            await storage.Table(TableNames.RollupPending).DeleteEntityAsync(mark.PartitionKey, mark.RowKey);
        }

        var third = (await RunAsync(storage)).Tables.Single(t => t.Table == TableNames.Records);
        var fourth = (await RunAsync(storage)).Tables.Single(t => t.Table == TableNames.Records);
        Assert.Equal((100L, true), (third.Deleted, third.More));
        Assert.Equal((50L, false), (fourth.Deleted, fourth.More));
        Assert.Empty(await storage.AllAsync(TableNames.Records));
    }

    [Fact]
    public async Task ARowThatChangesBeforeItsDelete_KeepsItsPayloadBlob_AndBothGoOnTheNextRun()
    {
        await using var storage = StorageFaults.Create(azurite.ConnectionString, out var faults);
        var (container, rows) = await RowsWithBlobsAsync(storage, count: 2);

        // Between the run's read and its delete, a re-delivery rewrites one of the rows (a new ETag): the delete gets 412.
        var (readRecords, rewritten) = (0, 0);
        var records = storage.Storage.PhysicalName(TableNames.Records);
        faults.BeforeSend = async request =>
        {
            var path = request.RequestUri!.AbsolutePath;
            if (request.Method == HttpMethod.Get && path.Contains(records, StringComparison.Ordinal))
            {
                Interlocked.Exchange(ref readRecords, 1); // the run read the expired records: its next transaction deletes them
            }
            else if (request.Method == HttpMethod.Post && path.EndsWith("$batch", StringComparison.Ordinal) && Volatile.Read(ref readRecords) == 1 && Interlocked.Exchange(ref rewritten, 1) == 0)
            {
                await storage.Table(TableNames.Records).UpdateEntityAsync(new TableEntity(rows[0].PartitionKey, rows[0].RowKey) { ["Redelivered"] = true }, ETag.All, TableUpdateMode.Merge);
            }
        };
        var first = (await RunAsync(storage)).Tables.Single(t => t.Table == TableNames.Records);
        faults.BeforeSend = null;

        Assert.Equal(1, rewritten);
        Assert.Equal((0L, 2L, 0L), (first.Deleted, first.Conflicts, first.BlobsDeleted));
        var kept = await storage.AllAsync(TableNames.Records);
        Assert.Equal(2, kept.Count);
        foreach (var row in kept)
        {
            Assert.True((await container.GetBlobClient(row.GetString(PayloadColumns.Blob)).ExistsAsync()).Value, $"row {row.RowKey} names a blob that is gone");
        }

        var second = (await RunAsync(storage)).Tables.Single(t => t.Table == TableNames.Records);
        Assert.Equal((2L, 0L, 2L), (second.Deleted, second.Conflicts, second.BlobsDeleted));
        Assert.Empty(await storage.AllAsync(TableNames.Records));
        Assert.Empty(await container.GetBlobsAsync().ToListAsync());
    }

    [Fact]
    public async Task ARunThatStopsBetweenItsRowAndBlobDeletes_LeavesNoOrphan_TheNextRunDeletesTheBlobs()
    {
        await using var storage = StorageFaults.Create(azurite.ConnectionString, out var faults);
        var (container, _) = await RowsWithBlobsAsync(storage, count: 2);

        // The run is stopped as it sends its first blob delete: the rows are gone, their blobs are not.
        await StopBeforeTheBlobDeletesAsync(storage, faults, container);

        Assert.Empty(await storage.AllAsync(TableNames.Records));
        Assert.Equal(2, (await container.GetBlobsAsync().ToListAsync()).Count);
        Assert.Single(await IntentsAsync(storage));

        // At once, the intent may still be a live run's (another instance mid-transaction): it is left alone.
        var soon = await RunAsync(storage);
        Assert.Equal(0L, soon.OrphanBlobsDeleted);
        Assert.Equal(2, (await container.GetBlobsAsync().ToListAsync()).Count);
        Assert.Single(await IntentsAsync(storage));

        storage.Time.Advance(TimeSpan.FromHours(2));
        var next = await RunAsync(storage);
        Assert.Equal(2L, next.OrphanBlobsDeleted);
        Assert.Empty(await container.GetBlobsAsync().ToListAsync());
        Assert.Empty(await IntentsAsync(storage));
    }

    [Fact]
    public async Task ARunThatStopsBeforeItsRowDeletes_KeepsTheBlobsWithTheirRows_AndBothGoOnTheNextRun()
    {
        await using var storage = StorageFaults.Create(azurite.ConnectionString, out var faults);
        var (container, _) = await RowsWithBlobsAsync(storage, count: 3);

        // Stopped as it sends the rows' transaction (the first transaction after the intent is written): no row is deleted.
        using var stop = new CancellationTokenSource();
        var intentWritten = 0;
        faults.BeforeSend = request =>
        {
            var uri = Uri.UnescapeDataString(request.RequestUri!.AbsolutePath);
            if (request.Method == HttpMethod.Put && uri.Contains("PartitionKey='blobs'", StringComparison.Ordinal))
            {
                Interlocked.Exchange(ref intentWritten, 1);
            }
            else if (request.Method == HttpMethod.Post && uri.EndsWith("$batch", StringComparison.Ordinal) && Volatile.Read(ref intentWritten) == 1)
            {
                stop.Cancel();
            }

            return Task.CompletedTask;
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => storage.Services.GetRequiredService<AcsFunctions.Retention.RetentionService>().RunAsync(dryRun: false, cancellationToken: stop.Token));
        faults.BeforeSend = null;
        Assert.Equal(3, (await storage.AllAsync(TableNames.Records)).Count);
        Assert.Single(await IntentsAsync(storage));

        // A later run finds the intent with every row still there: no blob goes with it; then the rows expire as usual.
        storage.Time.Advance(TimeSpan.FromHours(2));
        var next = await RunAsync(storage);
        var records = next.Tables.Single(t => t.Table == TableNames.Records);
        Assert.Equal((0L, 3L, 3L), (next.OrphanBlobsDeleted, records.Deleted, records.BlobsDeleted));
        Assert.Empty(await storage.AllAsync(TableNames.Records));
        Assert.Empty(await container.GetBlobsAsync().ToListAsync());
        Assert.Empty(await IntentsAsync(storage));
    }

    [Fact]
    public async Task AnIntentThatCannotBeRead_IsReportedEveryRun_AndItsBlobsAndRowStay()
    {
        await using var storage = StorageFaults.Create(azurite.ConnectionString, out var faults);
        var (container, rows) = await RowsWithBlobsAsync(storage, count: 2);

        // Both rows are deleted and the run stops before their blobs, leaving one intent; an operator then edits it so
        // its rows no longer say which blob is whose (the tab between row key and blob name is gone).
        await StopBeforeTheBlobDeletesAsync(storage, faults, container);
        var intent = Assert.Single(await IntentsAsync(storage));
        intent["Rows"] = intent.GetString("Rows")!.Replace('\t', ' ');
        await storage.Storage.GetTable("RetentionState").UpdateEntityAsync(intent, ETag.All, TableUpdateMode.Replace);

        storage.Time.Advance(TimeSpan.FromHours(2));
        foreach (var dryRun in new[] { true, false, false })
        {
            var run = await RunAsync(storage, dryRun);
            Assert.Equal([intent.RowKey], run.UnreadableIntents);
            Assert.Equal(0L, run.OrphanBlobsDeleted);
        }

        // Never guessed at: the blobs and the record stay for the operator.
        Assert.Equal(rows.Select(r => r.GetString(PayloadColumns.Blob)).Order(), (await container.GetBlobsAsync().ToListAsync()).Select(b => b.Name).Order());
        Assert.Equal(intent.RowKey, Assert.Single(await IntentsAsync(storage)).RowKey);
    }

    /// <summary>A retention run stopped as it sends its first blob delete: the rows are gone, their blobs are not.</summary>
    private static async Task StopBeforeTheBlobDeletesAsync(TestStorage storage, StorageFaults faults, Azure.Storage.Blobs.BlobContainerClient container)
    {
        using var stop = new CancellationTokenSource();
        faults.BeforeSend = request =>
        {
            if (request.Method == HttpMethod.Delete && request.RequestUri!.AbsolutePath.Contains("/" + container.Name + "/", StringComparison.Ordinal))
            {
                stop.Cancel();
            }

            return Task.CompletedTask;
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => storage.Services.GetRequiredService<AcsFunctions.Retention.RetentionService>().RunAsync(dryRun: false, cancellationToken: stop.Token));
        faults.BeforeSend = null;
    }

    private static async Task<(Azure.Storage.Blobs.BlobContainerClient Container, List<TableEntity> Rows)> RowsWithBlobsAsync(TestStorage storage, int count)
    {
        var expired = storage.Time.GetUtcNow().AddDays(-40);
        var container = storage.Storage.BlobService!.GetBlobContainerClient(storage.Storage.Options.PayloadContainer);
        await container.CreateIfNotExistsAsync();
        var rows = Enumerable.Range(0, count).Select(i =>
        {
            var row = Record(expired, i);
            row[PayloadColumns.Blob] = $"records/{i}.json";
            return row;
        }).ToList();
        foreach (var row in rows)
        {
            await container.UploadBlobAsync(row.GetString(PayloadColumns.Blob), BinaryData.FromString("{\"payload\":true}"));
        }

        await WriteAsync(storage, TableNames.Records, rows);
        return (container, rows);
    }

    private static async Task<List<TableEntity>> IntentsAsync(TestStorage storage) =>
        [.. (await storage.AllAsync("RetentionState")).Where(r => r.PartitionKey == "blobs")];
}
