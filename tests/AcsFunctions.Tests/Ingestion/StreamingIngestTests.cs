using System.Runtime.CompilerServices;
using AcsFunctions.Benchmarks;
using AcsFunctions.Decoding;
using AcsFunctions.Ingestion;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Ingestion;

[Collection(AzuriteCollection.Name)]
public sealed class StreamingIngestTests(AzuriteFixture azurite)
{
    private static readonly string[] _data = [TableNames.Records, TableNames.CallRecords, TableNames.DeadLetters];

    [Fact]
    public async Task Streamed_InOverlappedGroups_StoresTheSameRowsAndCountsAsOneCall()
    {
        // More than the first two groups (512 KiB, then 1 MiB), so several groups are prepared while others are written.
        var bodies = IngestBenchmarks.GenerateBodies(2_200_000);
        await using var streamed = TestStorage.Create(azurite.ConnectionString);
        await using var once = TestStorage.Create(azurite.ConnectionString);
        var reports = new List<IngestProgress>();

        var result = await streamed.Pipeline.IngestAsync(bodies.ToAsyncEnumerable(), new SynchronousProgress(reports.Add));
        var expected = await once.Pipeline.IngestAsync(bodies);

        Assert.True(result.Reconciles);
        Assert.Equal((expected.Bodies, expected.Records, expected.Stored, expected.Unclassified, expected.DeadLettered), (result.Bodies, result.Records, result.Stored, result.Unclassified, result.DeadLettered));
        Assert.Equal(expected.ByCategory, result.ByCategory);
        Assert.True(reports.Count >= 3, $"{reports.Count} groups");
        Assert.Equal(reports.OrderBy(r => r.Bodies).ToList(), reports); // reported in input order
        Assert.Equal((long)bodies.Count, reports[^1].Bodies);
        Assert.Equal(bodies.Sum(b => (long)b.Data.Length), reports[^1].Bytes);
        Assert.Equal(await TableSnapshot.TakeAsync(once, _data), await TableSnapshot.TakeAsync(streamed, _data));
        // The same partitions are marked for roll-up (a mark's other columns come from whichever record touched it first).
        Assert.Equal(await MarkKeysAsync(once), await MarkKeysAsync(streamed));
    }

    [Fact]
    public async Task InputFailsMidway_TheInputErrorSurfaces_AndEveryGroupReportedBeforeItIsStored()
    {
        var bodies = IngestBenchmarks.GenerateBodies(1_700_000);
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var reports = new List<IngestProgress>();

        var error = await Assert.ThrowsAsync<IOException>(() => storage.Pipeline.IngestAsync(FailAfter(bodies), new SynchronousProgress(reports.Add)));

        Assert.Equal("input broke", error.Message);
        var stored = (await storage.AllAsync(TableNames.Records)).Count + (await storage.AllAsync(TableNames.CallRecords)).Count + (await storage.AllAsync(TableNames.DeadLetters)).Count;
        // 1.7 MB is more than the first two groups (512 KiB, 1 MiB): at least one group is finished before the input
        // breaks, so there is a report to check (an empty list would prove nothing).
        Assert.NotEmpty(reports);
        Assert.True(reports[^1].Records > 0, $"reported {reports[^1]}");
        Assert.True(stored >= reports[^1].Records, $"{stored} rows, reported {reports[^1]}");
    }

    private static async Task<List<string>> MarkKeysAsync(TestStorage storage) =>
        [.. (await storage.AllAsync(TableNames.RollupPending)).Select(m => m.PartitionKey + "|" + m.RowKey).Order(StringComparer.Ordinal)];

    private static async IAsyncEnumerable<EventBody> FailAfter(IReadOnlyList<EventBody> bodies, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var body in bodies)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return body;
        }

        throw new IOException("input broke");
    }

    private sealed class SynchronousProgress(Action<IngestProgress> report) : IProgress<IngestProgress>
    {
        public void Report(IngestProgress value) => report(value);
    }
}
