using AcsFunctions.Cli.Commands;
using AcsFunctions.Decoding;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Moq;

namespace AcsFunctions.Tests.Storage;

/// <summary>
/// Azurite cannot answer 503 on demand, so the table clients are Moq wrappers around real Azurite clients: every
/// call goes to Azurite except the entity-group transactions we choose to fail.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TransientStorageFailureTests(AzuriteFixture azurite)
{
    private static readonly string[] _dataTables = [TableNames.Records, TableNames.CallRecords, TableNames.DeadLetters];

    [Fact]
    public async Task Status503MidBatch_ThenSuccess_StoresEverythingExactlyOnce()
    {
        var bodies = Bodies();
        var expected = await CleanRunAsync(bodies);
        var faults = new FaultPlan { FailCalls = [2, 5] };
        await using var storage = FaultyStorage(faults);

        var result = await IngestWithRunningClockAsync(storage, bodies);

        Assert.True(result.Reconciles);
        Assert.Equal(2, faults.Failed); // the 503s happened, were retried, and the call still succeeded
        Assert.True(faults.Calls > 5);
        Assert.Equal(expected, await SnapshotAsync(storage));
    }

    [Fact]
    public async Task Persistent503_Throws_LaterRetryStoresEverythingOnce()
    {
        var bodies = Bodies();
        var expected = await CleanRunAsync(bodies);
        var faults = new FaultPlan { FailFromCall = 3 };
        await using var storage = FaultyStorage(faults);

        await Assert.ThrowsAsync<StorageUnavailableException>(() => IngestWithRunningClockAsync(storage, bodies));
        var partial = await SnapshotAsync(storage);
        Assert.True(partial.Count < expected.Count, "storage went down mid-call, so not everything can be there yet");

        faults.FailFromCall = int.MaxValue; // storage is back; the host re-delivers the same batch
        var result = await IngestWithRunningClockAsync(storage, bodies);

        Assert.True(result.Reconciles);
        Assert.Equal(expected, await SnapshotAsync(storage));
    }

    /// <summary>
    /// The retry backoff waits on the test's fake clock, so the clock is moved on (in small steps, staying on the
    /// same day as the clean run) while the ingest runs; a time limit keeps a regression from hanging the suite.
    /// </summary>
    internal static async Task<AcsFunctions.Ingestion.IngestResult> IngestWithRunningClockAsync(TestStorage storage, IReadOnlyList<EventBody> bodies)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ingest = storage.Pipeline.IngestAsync(bodies, limit.Token);
        while (!ingest.IsCompleted)
        {
            storage.Time.Advance(TimeSpan.FromMilliseconds(200));
            await Task.WhenAny(ingest, Task.Delay(2, CancellationToken.None));
        }

        return await ingest;
    }

    /// <summary>The data tables of a faulty store, read through plain (unmocked) clients.</summary>
    private async Task<List<string>> SnapshotAsync(TestStorage faulty)
    {
        await using var reader = TestStorage.Create(azurite.ConnectionString, new Dictionary<string, string?> { ["AcsFunctions:Storage:TablePrefix"] = faulty.Storage.Options.TablePrefix });
        return await TableSnapshot.TakeAsync(reader, _dataTables);
    }

    private static List<EventBody> Bodies() =>
        [.. DemoCommand.SampleBodies(), Samples.Text("{\"records\": 5}", "not-an-array"), Samples.Text("{ truncated", "truncated")];

    private async Task<List<string>> CleanRunAsync(IReadOnlyList<EventBody> bodies)
    {
        await using var clean = TestStorage.Create(azurite.ConnectionString);
        var result = await clean.Pipeline.IngestAsync(bodies);
        Assert.True(result.Reconciles);
        var rows = await TableSnapshot.TakeAsync(clean, _dataTables);
        Assert.True(rows.Count > 40, $"{rows.Count} rows"); // the PRIVATEPREVIEW copy of the P2P call lands on the same rows
        return rows;
    }

    private TestStorage FaultyStorage(FaultPlan faults)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AcsFunctions:Storage:MaxParallelBatches"] = "1", // deterministic call order
            ["AcsFunctions:Storage:MaxWriteAttempts"] = "3",
            ["AcsFunctions:Drift:Enabled"] = "false", // only the data tables' transactions count towards the fault plan
            ["AcsFunctions:Health:Enabled"] = "false",
        };
        return TestStorage.Create(azurite.ConnectionString, settings, services => services.Replace(ServiceDescriptor.Singleton<AcsStorage>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>();
            var storage = new Mock<AcsStorage>(sp.GetRequiredService<TableServiceClient>(), null!, options) { CallBase = true };
            var clients = new Dictionary<string, TableClient>(StringComparer.Ordinal);
            storage.Setup(s => s.GetTable(It.IsAny<string>())).Returns((string table) =>
            {
                lock (clients)
                {
                    if (!clients.TryGetValue(table, out var client))
                    {
                        client = FaultyTable(new TableClient(options.Value.ConnectionString, options.Value.TablePrefix + table), faults);
                        clients[table] = client;
                    }

                    return client;
                }
            });
            return storage.Object;
        })));
    }

    private static TableClient FaultyTable(TableClient real, FaultPlan faults)
    {
        var table = new Mock<TableClient>(MockBehavior.Strict);
        table.Setup(t => t.Name).Returns(real.Name);
        table.Setup(t => t.CreateIfNotExistsAsync(It.IsAny<CancellationToken>()))
            .Returns((CancellationToken ct) => real.CreateIfNotExistsAsync(ct));
        table.Setup(t => t.UpsertEntityAsync(It.IsAny<TableEntity>(), It.IsAny<TableUpdateMode>(), It.IsAny<CancellationToken>()))
            .Returns((TableEntity e, TableUpdateMode mode, CancellationToken ct) => real.UpsertEntityAsync(e, mode, ct));
        table.Setup(t => t.SubmitTransactionAsync(It.IsAny<IEnumerable<TableTransactionAction>>(), It.IsAny<CancellationToken>()))
            .Returns(async (IEnumerable<TableTransactionAction> actions, CancellationToken ct) =>
            {
                if (faults.ShouldFail())
                {
                    throw new RequestFailedException(503, "Server Busy", "ServerBusy", null);
                }

                return await real.SubmitTransactionAsync(actions, ct);
            });
        return table.Object;
    }

    private sealed class FaultPlan
    {
        private int _calls;
        private int _failed;

        public HashSet<int> FailCalls { get; init; } = [];

        public int FailFromCall { get; set; } = int.MaxValue;

        public int Calls => _calls;

        public int Failed => _failed;

        public bool ShouldFail()
        {
            var call = Interlocked.Increment(ref _calls);
            if (FailCalls.Contains(call) || call >= FailFromCall)
            {
                Interlocked.Increment(ref _failed);
                return true;
            }

            return false;
        }
    }
}
