using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using AcsFunctions.Decoding;
using AcsFunctions.Ingestion;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Ingestion;

/// <summary>
/// A streamed ingest holds back each partition's last partial transaction and writes it with the next group's rows
/// (issue 18, P2a). Counted on the wire: every entity-group transaction is one <c>$batch</c> request, whose first
/// action names its table.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class PartialTransactionTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task PartitionSplitAcrossTwoGroups_CostsTheTransactionsOfOne()
    {
        // 300 one-record bodies of one minute, resource and category: the first group is the first 256 bodies
        // (StreamingIngest.GroupBodies; far below the first group's bytes), the second the other 44. The records spread
        // over the minute's shards (#20), so every shard gets a partial transaction in each group: group by group that
        // is two transactions per shard; held back, each shard's first-group rows go with its second-group rows.
        Assert.Equal(256, StreamingIngest.GroupBodies);
        await using var storage = StorageFaults.Create(azurite.ConnectionString, out var faults);
        var transactions = CountTransactions(storage, faults);

        var result = await storage.Pipeline.IngestAsync(OnePartition(300).ToAsyncEnumerable());

        Assert.Equal(300, result.Records);
        Assert.Equal(300, result.Stored + result.Unclassified);
        var shards = await ShardsAsync(storage, firstGroup: 256);
        Assert.Equal(300, shards.Sum(s => s.First + s.Second));
        Assert.Equal(shards.Sum(s => (s.First / 100) + Transactions((s.First % 100) + s.Second)), transactions.GetValueOrDefault(TableNames.Records));
        Assert.True(
            transactions.GetValueOrDefault(TableNames.Records) < shards.Sum(s => Transactions(s.First) + Transactions(s.Second)),
            "holding back a shard's partial transaction must save the transactions of writing each group on its own");
        Assert.Single(await storage.AllAsync(TableNames.RollupPending));
    }

    [Fact]
    public async Task StreamEndsWithHeldBackRows_TheyAreWrittenBeforeTheIngestReturns_AndReported()
    {
        // 310 bodies: the second group's 54 rows and the 56 held back from the first make 100 + 10; the 10 (all of the
        // second group) are held back again, so only the end-of-stream flush writes them.
        await using var storage = StorageFaults.Create(azurite.ConnectionString, out var faults);
        var transactions = CountTransactions(storage, faults);
        var reports = new List<IngestProgress>();

        var result = await storage.Pipeline.IngestAsync(OnePartition(310).ToAsyncEnumerable(), new SynchronousProgress(reports.Add));

        Assert.Equal(310, result.Records);
        var shards = await ShardsAsync(storage, firstGroup: 256);
        Assert.Equal(310, shards.Sum(s => s.First + s.Second));
        // Each shard: its full transactions of the first group, then its held-back rows with the second group's, the
        // second group's own partial tail written by the end-of-stream flush (the same count: a shard's rows of that
        // phase in ceil(n / 100) transactions).
        Assert.Equal(shards.Sum(s => (s.First / 100) + Transactions((s.First % 100) + s.Second)), transactions.GetValueOrDefault(TableNames.Records));
        Assert.Equal([256L, 310L], reports.Select(r => r.Records));
        Assert.Single(await storage.AllAsync(TableNames.RollupPending));
    }

    [Fact]
    public async Task WrittenGroupsFinishedTogether_WriteTheirMarksAndHealthOnce_AndAreReportedOneByOne()
    {
        // Two groups marking the same window: finished together (StreamingIngest.FinishGroups), the mark is one
        // transaction, not one per group, and the health counts of both groups are one merge; each group is still
        // reported on its own, in order.
        Assert.True(StreamingIngest.FinishGroups >= 2);
        await using var storage = StorageFaults.Create(azurite.ConnectionString, out var faults);
        var transactions = CountTransactions(storage, faults);
        var reports = new List<IngestProgress>();

        var result = await storage.Pipeline.IngestAsync(OnePartition(300).ToAsyncEnumerable(), new SynchronousProgress(reports.Add));

        Assert.Equal(300, result.Stored + result.Unclassified);
        Assert.Equal([256L, 300L], reports.Select(r => r.Records));
        Assert.Single(await storage.AllAsync(TableNames.RollupPending));
        Assert.Equal(1, transactions.GetValueOrDefault(TableNames.RollupPending));
        Assert.Equal(1, transactions.GetValueOrDefault(AcsFunctions.Health.HealthStore.Table));
        var health = Assert.Single(await storage.AllAsync(AcsFunctions.Health.HealthStore.Table));
        Assert.Equal(300, health.GetInt64("Records"));
    }

    [Fact]
    public async Task OneBatch_HoldsNothingBack()
    {
        // The Functions app and backfill ingest one batch per call and checkpoint once it returns: all of it is written.
        await using var storage = StorageFaults.Create(azurite.ConnectionString, out var faults);
        var transactions = CountTransactions(storage, faults);

        var result = await storage.Pipeline.IngestAsync(OnePartition(150));

        Assert.Equal(150, result.Records);
        var shards = await ShardsAsync(storage, firstGroup: 150);
        Assert.Equal(150, shards.Sum(s => s.First));
        Assert.Equal(shards.Sum(s => Transactions(s.First)), transactions.GetValueOrDefault(TableNames.Records));
    }

    [Fact]
    public void AHeldRowWrittenAgainInTheNextGroup_IsSubmittedThen_NotHeldASecondTime()
    {
        // The same record in two consecutive groups: the later write replaces the held one (same keys), so the
        // replacement carries the held row's promise and must go out with this write — else the previous group would
        // be finished and reported while the only row with its key is still held.
        var carry = new PartialTransactions();
        Assert.Empty(carry.Plan([Row("r1")], flush: false));
        Assert.Equal(1, carry.Count);

        var submitted = carry.Plan([Row("r1"), Row("r2")], flush: false);

        Assert.Equal(["r1", "r2"], Assert.Single(submitted).Entities.Select(e => e.RowKey).Order(StringComparer.Ordinal));
        Assert.Equal(0, carry.Count);
    }

    private static TableWrite Row(string rowKey) => new(TableNames.Records, new Azure.Data.Tables.TableEntity("p", rowKey));

    private static List<EventBody> OnePartition(int records) =>
        [.. Enumerable.Range(0, records).Select(i => new EventBody(
            Encoding.UTF8.GetBytes($$$"""{"records":[{"time":"2026-11-23T11:00:{{{i % 60:00}}}Z","resourceId":"/SUBSCRIPTIONS/S1/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS1","category":"ACSHeldBackProbe","operationName":"Probe","properties":{"n":{{{i}}}}}]}"""),
            new Lineage { File = "held-back.json" }))];

    private static int Transactions(int rows) => (rows + 99) / 100;

    /// <summary>
    /// The stored records per partition (shard), split by group: bodies <c>n &lt; firstGroup</c> (the probe's
    /// <c>properties.n</c>, read from the readable <c>Raw</c> copy) and the rest.
    /// </summary>
    private static async Task<List<(int First, int Second)>> ShardsAsync(TestStorage storage, int firstGroup) =>
        [.. (await storage.AllAsync(TableNames.Records))
            .GroupBy(e => e.PartitionKey, StringComparer.Ordinal)
            .Select(p =>
            {
                var n = p.Select(e => int.Parse(ProbeNumber().Match(e.GetString(PayloadColumns.Raw)).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
                return (n.Count(i => i < firstGroup), n.Count(i => i >= firstGroup));
            })];

    [GeneratedRegex(@"""n"":(\d+)")]
    private static partial Regex ProbeNumber();

    /// <summary>Counts the <c>$batch</c> requests per logical table (of this test's prefix).</summary>
    private static ConcurrentDictionary<string, int> CountTransactions(TestStorage storage, StorageFaults faults)
    {
        var counts = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        faults.BeforeSend = async request =>
        {
            if (request.RequestUri!.AbsolutePath.EndsWith("$batch", StringComparison.Ordinal) && request.Content is { } content)
            {
                var match = FirstAction().Match(await content.ReadAsStringAsync());
                var table = match.Success && match.Groups["table"].Value.StartsWith(storage.Prefix, StringComparison.Ordinal)
                    ? match.Groups["table"].Value[storage.Prefix.Length..]
                    : "?";
                counts.AddOrUpdate(table, 1, (_, n) => n + 1);
            }
        };
        return counts;
    }

    [GeneratedRegex(@"(?:PUT|POST|PATCH|MERGE|DELETE) https?://\S*?/(?<table>[A-Za-z0-9]+)(?:\(|\?|\s)")]
    private static partial Regex FirstAction();

    private sealed class SynchronousProgress(Action<IngestProgress> report) : IProgress<IngestProgress>
    {
        public void Report(IngestProgress value) => report(value);
    }
}
