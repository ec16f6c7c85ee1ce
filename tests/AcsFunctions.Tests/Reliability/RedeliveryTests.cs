using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Reliability;

[Collection(ReliabilityCollection.Name)]
public sealed class RedeliveryTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Ingest_EveryBodyTwiceInShuffledOrder_TablesAndAggregatesEqualCleanRun()
    {
        var clean = await ReliabilityStream.CleanRunAsync(azurite.ConnectionString);
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var random = new Random(606);
        var twice = ReliabilityStream.Bodies.Concat(ReliabilityStream.Bodies).ToArray();
        random.Shuffle(twice);

        var result = await ReliabilityStream.IngestAsync(storage, twice);

        Assert.True(result.Reconciles);
        Assert.Equal(2 * ReliabilityStream.Units, result.Records);
        var redelivered = await ReliabilityStream.SnapshotAsync(storage);
        Assert.True(clean.Tables.SequenceEqual(redelivered), ReliabilityStream.Describe(clean.Tables, redelivered));
        var aggregates = await ReliabilityStream.RollUpAsync(storage);
        Assert.True(clean.Aggregates.SequenceEqual(aggregates), ReliabilityStream.Describe(clean.Aggregates, aggregates));
    }

    [Fact]
    public async Task Ingest_TwoOverlappingIngestsInParallel_TablesAndAggregatesEqualCleanRun()
    {
        var clean = await ReliabilityStream.CleanRunAsync(azurite.ConnectionString);
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var bodies = ReliabilityStream.Bodies;
        var first = bodies.Take(bodies.Count * 2 / 3).ToList();
        var second = bodies.Skip(bodies.Count / 3).Reverse().ToList();

        var results = await Task.WhenAll(
            Task.Run(() => ReliabilityStream.IngestAsync(storage, first)),
            Task.Run(() => ReliabilityStream.IngestAsync(storage, second)));

        Assert.All(results, r => Assert.True(r.Reconciles));
        var parallel = await ReliabilityStream.SnapshotAsync(storage);
        Assert.True(clean.Tables.SequenceEqual(parallel), ReliabilityStream.Describe(clean.Tables, parallel));
        var aggregates = await ReliabilityStream.RollUpAsync(storage);
        Assert.True(clean.Aggregates.SequenceEqual(aggregates), ReliabilityStream.Describe(clean.Aggregates, aggregates));
    }

    [Fact]
    public async Task Ingest_LateDataAfterItsWindowsWereRolledUp_AggregatesEqualCleanRun()
    {
        var clean = await ReliabilityStream.CleanRunAsync(azurite.ConnectionString);
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var bodies = ReliabilityStream.Bodies;
        var late = bodies.Where((_, i) => ReliabilityStream.Late[i]).ToList();
        Assert.NotEmpty(late);

        await ReliabilityStream.IngestAsync(storage, bodies.Where((_, i) => !ReliabilityStream.Late[i]));
        var early = await ReliabilityStream.RollUpAsync(storage);
        storage.Time.Advance(TimeSpan.FromHours(6));
        await ReliabilityStream.IngestAsync(storage, late);
        var aggregates = await ReliabilityStream.RollUpAsync(storage);

        Assert.False(clean.Aggregates.SequenceEqual(early), "the late bodies should change some aggregates");
        Assert.True(clean.Aggregates.SequenceEqual(aggregates), ReliabilityStream.Describe(clean.Aggregates, aggregates));
    }
}
