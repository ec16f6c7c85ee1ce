using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using Xunit.Abstractions;
using Azure.Data.Tables;

namespace AcsFunctions.Tests.Reliability;

/// <summary>
/// Storage goes down in the middle of an ingest batch and comes back. The fault is injected request by request into
/// the real clients' HTTP transport (<see cref="StorageFaults"/>, against the shared Azurite), so the same requests
/// fail on every run — no sleeps, no race with a process kill. The test plays the Functions host: a checkpoint
/// advances after each successful batch, a failed batch is retried from it.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class OutageTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private static readonly Dictionary<string, string?> _settings = new()
    {
        ["AcsFunctions:Storage:MaxWriteAttempts"] = "2",
        ["AcsFunctions:Storage:RetryBaseDelay"] = "00:00:00.050",
        ["AcsFunctions:Storage:MaxParallelBatches"] = "1", // one request at a time: the same ones fail on every run
    };

    [Theory]
    [InlineData(3)]
    [InlineData(12)]
    public async Task Ingest_StorageDownMidBatchThenBack_RetriedBatchStoresEveryRecordExactlyOnceAndAggregatesEqualCleanRun(int requestsBeforeOutage)
    {
        var clean = await ReliabilityStream.CleanRunAsync(azurite.ConnectionString);
        await using var storage = StorageFaults.Create(azurite.ConnectionString, out var faults, _settings);
        var bodies = ReliabilityStream.Bodies;
        var half = bodies.Count / 2;
        var total = await ReliabilityStream.IngestAsync(storage, bodies.Take(half));
        var records = storage.Table(TableNames.Records);
        var before = await CountAsync(records);
        var attacked = bodies.Skip(half).ToList();

        faults.FailAfter(requestsBeforeOutage);
        var failure = await Record.ExceptionAsync(() => AdvanceClockUntilDoneAsync(storage, storage.Pipeline.IngestAsync(attacked)));
        output.WriteLine($"batch failed after request {faults.FailFrom - 1} with {failure?.GetType().Name}: {failure?.Message}; {faults.Failed} requests refused");
        faults.Heal();
        var partial = await CountAsync(records);
        output.WriteLine($"rows before the batch {before}, after the failed attempt {partial}");

        Assert.IsType<StorageUnavailableException>(failure);
        Assert.True(faults.Failed > 0);
        Assert.True(partial > before, "the outage should interrupt the batch after some of its rows were written");
        Assert.True(partial < clean.Tables.Count(r => r.StartsWith(TableNames.Records + "|", StringComparison.Ordinal)), "the outage should leave rows of the batch unwritten");
        total = total.Add(await storage.Pipeline.IngestAsync(attacked)); // the host's retry from the checkpoint
        Assert.True(total.Reconciles);
        Assert.Equal(ReliabilityStream.Units, total.Records);
        var afterOutage = await ReliabilityStream.SnapshotAsync(storage);
        Assert.True(clean.Tables.SequenceEqual(afterOutage), $"rows before the outage {before}, after it {partial}; " + ReliabilityStream.Describe(clean.Tables, afterOutage));
        var aggregates = await ReliabilityStream.RollUpAsync(storage);
        Assert.True(clean.Aggregates.SequenceEqual(aggregates), ReliabilityStream.Describe(clean.Aggregates, aggregates));
    }

    /// <summary>The writer's backoff waits on the test's fake clock: move it on while the batch retries.</summary>
    private static async Task AdvanceClockUntilDoneAsync(TestStorage storage, Task task)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!task.IsCompleted && waited.Elapsed < TimeSpan.FromMinutes(2))
        {
            storage.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }

        await task.WaitAsync(TimeSpan.FromSeconds(1));
    }

    private static async Task<int> CountAsync(TableClient table)
    {
        var count = 0;
        try
        {
            await foreach (var _ in table.QueryAsync<TableEntity>(select: ["PartitionKey"]))
            {
                count++;
            }
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
        }

        return count;
    }
}
