using AcsFunctions.Azurite;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using Xunit.Abstractions;
using Azure.Data.Tables;

namespace AcsFunctions.Tests.Reliability;

/// <summary>
/// Storage dies in the middle of an ingest. Each test runs its own on-disk Azurite (not the shared fixture) and
/// plays the Functions host: a checkpoint advances after each successful batch, a failed batch is retried from it.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class OutageTests(AzuriteFixture azurite, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly Dictionary<string, string?> _quickRetries = new()
    {
        ["AcsFunctions:Storage:MaxWriteAttempts"] = "2",
        ["AcsFunctions:Storage:RetryBaseDelay"] = "00:00:00.050",
    };

    private readonly string _location = Path.Combine(Path.GetTempPath(), "acs-outage-" + Guid.NewGuid().ToString("N")[..8]);
    private AzuriteHost? _host;

    private AzuriteHost Host => _host ?? throw new InvalidOperationException("Azurite is not running.");

    public async Task InitializeAsync() => _host = await AzuriteHost.StartAsync(new AzuriteOptions { Location = _location });

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        try
        {
            Directory.Delete(_location, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Ingest_AzuriteKilledMidBatchAndRestarted_RetriedBatchStoresEveryRecordExactlyOnceAndAggregatesEqualCleanRun()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var clean = await ReliabilityStream.CleanRunAsync(azurite.ConnectionString);
        output.WriteLine($"{clock.Elapsed}: clean run");
        await using var storage = TestStorage.Create(Host.ConnectionString, _quickRetries);
        var bodies = ReliabilityStream.Bodies;
        var half = bodies.Count / 2;
        var total = await ReliabilityStream.IngestAsync(storage, bodies.Take(half));

        // Azurite's on-disk store saves every 5 s; let it persist what was acknowledged, so that what the retry has
        // to repair is only the batch the kill interrupted (a real account never loses an acknowledged write).
        await Task.Delay(TimeSpan.FromSeconds(6));
        var records = storage.Table(TableNames.Records);
        var before = await CountAsync(records);
        var attacked = bodies.Skip(half).ToList();
        var ingest = Task.Run(() => storage.Pipeline.IngestAsync(attacked));
        while (await CountAsync(records) == before)
        {
            Assert.False(ingest.IsCompleted, "the batch finished before any of its rows could be seen; make it larger");
            await Task.Delay(20);
        }

        output.WriteLine($"{clock.Elapsed}: first half stored ({before} rows), attacked batch under way");
        await Host.KillAsync();
        output.WriteLine($"{clock.Elapsed}: killed");
        var failure = await Record.ExceptionAsync(() => AdvanceClockUntilDoneAsync(storage, ingest));
        output.WriteLine($"{clock.Elapsed}: batch failed with {failure?.GetType().Name}: {failure?.Message}");
        var partial = await CountAfterRestartAsync(records);
        output.WriteLine($"{clock.Elapsed}: restarted, {partial} rows");

        Assert.IsType<StorageUnavailableException>(failure);
        total = total.Add(await storage.Pipeline.IngestAsync(attacked)); // the host's retry from the checkpoint
        Assert.True(total.Reconciles);
        Assert.Equal(ReliabilityStream.Units, total.Records);
        var afterOutage = await ReliabilityStream.SnapshotAsync(storage);
        Assert.True(clean.Tables.SequenceEqual(afterOutage), $"rows before the kill {before}, after restart {partial}; " + ReliabilityStream.Describe(clean.Tables, afterOutage));
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

    private async Task<int> CountAfterRestartAsync(TableClient records)
    {
        await Host.RestartAsync();
        return await CountAsync(records);
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
