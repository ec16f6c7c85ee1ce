using System.Runtime.CompilerServices;
using AcsFunctions.Drift;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Moq;
using static AcsFunctions.Tests.Health.HealthTestData;

namespace AcsFunctions.Tests.Ingestion;

/// <summary>
/// Health and drift count a batch when its rows are written, exactly once: not when it is only prepared, not for a
/// commit attempt that failed.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ObservationCommitTests(AzuriteFixture azurite)
{
    private const int UnitsPerMix = 11;
    private const int DriftRecordsPerMix = 8; // stored records (typed and unclassified); dead letters have no schema

    [Fact]
    public async Task PreparedButNeverCommitted_CountsNothing()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString, Settings());

        storage.Pipeline.Preparer.Prepare(Mix(sequence: 100)).ToResult(); // a benchmark's preparation
        storage.Pipeline.Preparer.Prepare(Mix(sequence: 200)); // a preparation whose commit never came
        var before = await CountsAsync(storage);
        await storage.Pipeline.IngestAsync(Mix());

        Assert.Equal((0L, 0L), before);
        Assert.Equal((UnitsPerMix, DriftRecordsPerMix), await CountsAsync(storage));
    }

    [Fact]
    public async Task CommitFailingWithAStorageError_ThenRetried_CountsOnce()
    {
        var down = new StrongBox<bool>(true);
        await using var storage = WithRecordsTableDown(down);

        // The host's retry: the whole batch again (prepared anew).
        await Assert.ThrowsAsync<StorageUnavailableException>(() => WithRunningClockAsync(storage, () => storage.Pipeline.IngestAsync(Mix())));
        Assert.Equal((0L, 0L), await CountsAsync(storage));
        down.Value = false;
        var result = await storage.Pipeline.IngestAsync(Mix());

        Assert.True(result.Reconciles);
        Assert.Equal((UnitsPerMix, DriftRecordsPerMix), await CountsAsync(storage));

        // A streaming caller's retry: the same prepared batch committed again after a failure, and once more after success.
        down.Value = true;
        var prepared = storage.Pipeline.Preparer.Prepare(Mix(sequence: 10));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => WithRunningClockAsync(storage, () => storage.Pipeline.CommitAsync(prepared)));
        down.Value = false;
        await storage.Pipeline.CommitAsync(prepared);
        await storage.Pipeline.CommitAsync(prepared);

        Assert.Equal((2 * UnitsPerMix, 2 * DriftRecordsPerMix), await CountsAsync(storage));
    }

    private static Dictionary<string, string?> Settings() => new()
    {
        ["AcsFunctions:Drift:StatsWriteInterval"] = "00:00:00", // drift counters are written after every batch
        ["AcsFunctions:Storage:MaxWriteAttempts"] = "2", // a 503 fails the commit after one retry
    };

    /// <summary>
    /// The retry backoff waits on the test's fake clock, so the clock is moved on (in small steps, within the hour the
    /// counts are queried for) while <paramref name="action"/> runs; a time limit keeps a regression from hanging the suite.
    /// </summary>
    private static async Task WithRunningClockAsync(TestStorage storage, Func<Task> action)
    {
        var task = action();
        var limit = DateTime.UtcNow.AddSeconds(60);
        while (!task.IsCompleted && DateTime.UtcNow < limit)
        {
            storage.Time.Advance(TimeSpan.FromMilliseconds(50));
            await Task.WhenAny(task, Task.Delay(2, CancellationToken.None));
        }

        await task;
    }

    /// <summary>Units in the health rows, and records in the drift counters, of every category.</summary>
    private static async Task<(long Health, long Drift)> CountsAsync(TestStorage storage)
    {
        var health = (await QueryAsync(storage, Now.AddHours(-1), Now.AddHours(1))).Sum(r => r.Records);
        var fields = await storage.Services.GetRequiredService<SchemaStore>().AllFieldsAsync(null);
        var drift = fields.Where(f => f.RowKey.StartsWith(SchemaStore.RecordsRow, StringComparison.Ordinal)).Sum(f => f.GetInt64("Count") ?? 0);
        return (health, drift);
    }

    /// <summary>
    /// Azurite cannot refuse one table on demand: the records table's transactions answer 503 while
    /// <paramref name="down"/> is set; every other call (and every other table) goes to Azurite.
    /// </summary>
    private TestStorage WithRecordsTableDown(StrongBox<bool> down) =>
        TestStorage.Create(azurite.ConnectionString, Settings(), services => services.Replace(ServiceDescriptor.Singleton<AcsStorage>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>();
            var real = new TableClient(options.Value.ConnectionString, options.Value.TablePrefix + TableNames.Records);
            var records = new Mock<TableClient>(MockBehavior.Strict);
            records.Setup(t => t.Name).Returns(real.Name);
            records.Setup(t => t.CreateIfNotExistsAsync(It.IsAny<CancellationToken>())).Returns((CancellationToken ct) => real.CreateIfNotExistsAsync(ct));
            records.Setup(t => t.SubmitTransactionAsync(It.IsAny<IEnumerable<TableTransactionAction>>(), It.IsAny<CancellationToken>()))
                .Returns(async (IEnumerable<TableTransactionAction> actions, CancellationToken ct) => down.Value
                    ? throw new RequestFailedException(503, "Server Busy", "ServerBusy", null)
                    : await real.SubmitTransactionAsync(actions, ct));
            var storage = new Mock<AcsStorage>(sp.GetRequiredService<TableServiceClient>(), null!, options) { CallBase = true };
            storage.Setup(s => s.GetTable(TableNames.Records)).Returns(records.Object);
            return storage.Object;
        })));
}
