using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Reliability;

[Collection(ReliabilityCollection.Name)]
public sealed class RedeliveryTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Ingest_EveryBodyTwiceInShuffledOrder_TablesEqualCleanRun()
    {
        var clean = await ReliabilityStream.CleanSnapshotAsync(azurite.ConnectionString);
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var random = new Random(606);
        var twice = ReliabilityStream.Bodies.Concat(ReliabilityStream.Bodies).ToArray();
        random.Shuffle(twice);

        var result = await ReliabilityStream.IngestAsync(storage, twice);

        Assert.True(result.Reconciles);
        var redelivered = await ReliabilityStream.SnapshotAsync(storage);
        Assert.True(clean.SequenceEqual(redelivered), ReliabilityStream.Describe(clean, redelivered));
    }

    [Fact]
    public async Task Ingest_TwoOverlappingIngestsInParallel_TablesEqualCleanRun()
    {
        var clean = await ReliabilityStream.CleanSnapshotAsync(azurite.ConnectionString);
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var bodies = ReliabilityStream.Bodies;
        var first = bodies.Take(bodies.Count * 2 / 3).ToList();
        var second = bodies.Skip(bodies.Count / 3).Reverse().ToList();

        var results = await Task.WhenAll(
            Task.Run(() => ReliabilityStream.IngestAsync(storage, first)),
            Task.Run(() => ReliabilityStream.IngestAsync(storage, second)));

        Assert.All(results, r => Assert.True(r.Reconciles));
        var parallel = await ReliabilityStream.SnapshotAsync(storage);
        Assert.True(clean.SequenceEqual(parallel), ReliabilityStream.Describe(clean, parallel));
    }
}
