using System.Globalization;
using AcsFunctions.Dispatch;
using AcsFunctions.Generation;
using AcsFunctions.Ingestion;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Ingestion;

/// <summary>
/// Partition keys are kept per thread across parts and batches (<see cref="RecordPartitions"/>, issue 18): every batch
/// still gets one roll-up mark per partition its rows are in, the same rows and marks as a batch prepared first, also
/// when a batch meets more partitions than a thread keeps.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class PartitionKeysAcrossBatchesTests(AzuriteFixture azurite)
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task EveryBatch_MarksEveryPartitionOfItsRows_WhateverTheBatchesBeforeIt(int threads)
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var options = new GeneratorOptions { Calls = 40, ApiRequests = 3_000, Emails = 50, Minutes = 120, Seed = 9, Malformed = 0.05, Duplicates = 0.1 };
        var bodies = SyntheticStream.Create(options).Bodies().Select(b => b.ToEventBody()).ToList();

        var first = storage.Pipeline.Preparer.Prepare(bodies, threads).State;
        var again = storage.Pipeline.Preparer.Prepare(bodies, threads).State;
        var half = storage.Pipeline.Preparer.Prepare(bodies[..(bodies.Count / 2)], threads).State;

        Assert.True(MarksOf(first).Count / 2 > RecordPartitions.MaxKept, "the batch meets more partitions of each kind than a thread keeps");
        foreach (var batch in new[] { first, again, half })
        {
            Assert.Equal(MarksOf(batch), batch.Marks.Keys.Order().ToList());
        }

        Assert.Equal(Rows(first.Pending.Select(p => p.Write.Entity)), Rows(again.Pending.Select(p => p.Write.Entity)));
        Assert.Equal(Rows(first.Marks.Values), Rows(again.Marks.Values));
    }

    // The mark every row's partition needs: (kind, the mark's RowKey), once each.
    private static List<(string Kind, string RowKey)> MarksOf(BatchState batch) =>
        [.. batch.Pending
            .Select(p => RecordRows.MarkKindFor(p.Write.Table == TableNames.CallRecords ? RecordPlacement.Call : RecordPlacement.Window) is var kind
                ? (kind, RollupMarks.RowKeyOf(kind, p.Write.Entity.PartitionKey))
                : default)
            .Distinct()
            .Order()];

    private static List<string> Rows(IEnumerable<Azure.Data.Tables.TableEntity> entities) =>
        [.. entities.Select(e => string.Join("|", e
            .Where(p => p.Key is not "Token" and not "MarkedAt")
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => p.Key + "=" + (p.Value is byte[] b ? Convert.ToBase64String(b) : Convert.ToString(p.Value, CultureInfo.InvariantCulture)))))];
}
