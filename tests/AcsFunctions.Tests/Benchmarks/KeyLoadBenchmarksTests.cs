using AcsFunctions.Benchmarks;
using AcsFunctions.Health;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Benchmarks;

/// <summary>
/// P7 (issue #20) as a deterministic key computation, not a timing: at 20,000 records/s of one resource × category the
/// busiest partition of every table receives at most 1,500 writes/s, with 1 and with 32 ingesting instances — while
/// the same records would put 20,000/s on the one partition of the keys before #20.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class KeyLoadBenchmarksTests(AzuriteFixture azurite)
{
    [Theory]
    [InlineData(1)]
    [InlineData(32)]
    public async Task P7_At20000RecordsPerSecond_TheBusiestPartitionOfEveryTableTakesAtMost1500WritesPerSecond(int instances)
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        const int seconds = 4;
        var run = KeyLoadBenchmarks.Measure(storage.Pipeline, 20_000, instances, seconds);

        Assert.Empty(await storage.TablesAsync()); // prepared only: nothing written
        Assert.Equal(20_000L * seconds, run.Records);
        var records = Assert.Single(run.Tables, t => t.Table == TableNames.Records);
        Assert.Equal(20_000L * seconds, records.Writes);
        Assert.Equal(KeyShards.Count, records.Partitions); // one minute of one resource × category: all its shards
        Assert.Contains(run.Tables, t => t.Table == TableNames.RollupPending);
        Assert.Contains(run.Tables, t => t.Table == HealthStore.Table);
        Assert.All(run.Tables, t => Assert.True(t.Max <= KeyLoadBenchmarks.Goal, $"{t.Table}: {t.Max} writes/s on {t.Busiest}"));
        Assert.True(run.Max <= KeyLoadBenchmarks.Goal && KeyLoadBenchmarks.Figure(run, 20_000, 1, 100).Met);

        // What the keys spread: the minute's base key (the only partition before #20) takes all 20,000/s.
        Assert.True(run.AccountMax >= 20_000, $"account {run.AccountMax}/s");
        Assert.InRange(records.Max, 1_100, KeyLoadBenchmarks.Goal);
    }
}
