using AcsFunctions.Decoding;
using AcsFunctions.Ingestion;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Tests.Storage;

/// <summary>
/// The retry layers on refused connections, counted request by request (<see cref="StorageFaults.CreateBound"/>: the
/// real clients with the production bounds, every request through a handler that can refuse it or answer 503).
/// Without <see cref="StorageReachability"/> (the Functions app) the SDK's attempts multiply by the table writer's; with
/// it (the CLI) storage that never answered fails on its first request, while outages after an answer and 503s are
/// retried as before.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class StorageReachabilityTests(AzuriteFixture azurite)
{
    /// <summary>3 writer attempts of 2 SDK attempts each: the stacked layers give 6 requests per call.</summary>
    private static readonly Dictionary<string, string?> _settings = new()
    {
        ["AcsFunctions:Storage:MaxWriteAttempts"] = "3",
        ["AcsFunctions:Storage:MaxRetries"] = "1",
        ["AcsFunctions:Storage:MaxParallelBatches"] = "1",
    };

    private const int StackedAttempts = 3 * 2;

    [Fact]
    public async Task NeverAnswered_ConnectionRefused_FailsOnTheFirstRequestWithTheEndpoint()
    {
        await using var storage = StorageFaults.CreateBound(azurite.ConnectionString, out var faults, _settings, failFastWhenUnreached: true);
        faults.FailFrom = 1;

        var failure = await Assert.ThrowsAsync<StorageUnavailableException>(() => IngestAsync(storage, Bodies()));

        Assert.Equal(1, faults.Requests);
        var endpoint = storage.Storage.TableService.Uri;
        Assert.StartsWith($"cannot reach table storage at {endpoint.Scheme}://{endpoint.Host}:{endpoint.Port}: connection refused — ", failure.Message, StringComparison.Ordinal);
        Assert.False(storage.Services.GetRequiredService<StorageReachability>().HasAnswered(endpoint));
    }

    [Fact]
    public async Task WithoutReachability_ConnectionRefused_EveryLayerRetries()
    {
        // The Functions app's composition: it holds batches through outages on purpose, so a refused connection is an
        // outage from the first request on — the SDK's attempts times the writer's.
        await using var storage = StorageFaults.CreateBound(azurite.ConnectionString, out var faults, _settings);
        faults.FailFrom = 1;

        var failure = await Assert.ThrowsAsync<StorageUnavailableException>(() => IngestAsync(storage, Bodies()));

        Assert.Equal(StackedAttempts, faults.Requests);
        Assert.Contains("after 3 attempts", failure.Message, StringComparison.Ordinal);
        Assert.Null(storage.Services.GetService<StorageReachability>());
    }

    [Fact]
    public async Task AnsweredOnce_ThenConnectionRefused_IsRetriedAsAnOutage_AndTheRerunStoresEverything()
    {
        await using var storage = StorageFaults.CreateBound(azurite.ConnectionString, out var faults, _settings, failFastWhenUnreached: true);
        var bodies = Bodies();
        var first = await IngestAsync(storage, bodies.Take(2).ToList());
        Assert.True(first.Reconciles);
        Assert.True(storage.Services.GetRequiredService<StorageReachability>().HasAnswered(storage.Storage.TableService.Uri));

        faults.FailAfter(0);
        var failure = await Assert.ThrowsAsync<StorageUnavailableException>(() => IngestAsync(storage, bodies));

        Assert.Equal(StackedAttempts, faults.Failed);
        Assert.Contains("after 3 attempts", failure.Message, StringComparison.Ordinal);
        faults.Heal();
        var rerun = await IngestAsync(storage, bodies);
        Assert.True(rerun.Reconciles);
        Assert.Equal(rerun.Records, rerun.Stored + rerun.Unclassified + rerun.DeadLettered);
    }

    [Fact]
    public async Task BlobEndpointNeverAnswered_AfterTheTablesAnswered_FailsAtOnceNamingBothEndpoints()
    {
        // Endpoints are told apart: the tables answered, the blob endpoint (wrong port: nothing listens) never did. The
        // first payload too large for a table entity goes to a blob mid-run; that endpoint never answered, so it fails
        // at once — and the error says the tables did answer, pointing at the blob endpoint, not at Azurite as a whole.
        var connection = UnreachableStorage.BlobEndpointClosed(azurite.ConnectionString, out var blobPort);
        await using var storage = StorageFaults.CreateBound(connection, out var faults, _settings, failFastWhenUnreached: true);
        var reachability = storage.Services.GetRequiredService<StorageReachability>();
        var first = await IngestAsync(storage, Bodies());
        Assert.True(first.Reconciles);
        var table = storage.Storage.TableService.Uri;
        Assert.True(reachability.HasAnswered(table));
        var blobRequests = 0;
        faults.BeforeSend = request =>
        {
            if (request.RequestUri!.Port == blobPort)
            {
                Interlocked.Increment(ref blobRequests);
            }

            return Task.CompletedTask;
        };

        var failure = await Assert.ThrowsAsync<StorageUnavailableException>(() => IngestAsync(storage, [LargeBody()]));

        Assert.Equal(
            $"cannot reach blob storage at http://127.0.0.1:{blobPort}: connection refused, although table storage at {table.Scheme}://{table.Host}:{table.Port} answered " +
            "— is the blob endpoint in the connection string right, and does a blob service listen there (not azurite-table or azurite-blob alone)?",
            failure.Message);
        Assert.Equal(0, faults.Failed); // refused by the closed port itself, not injected
        Assert.Equal(1, blobRequests); // the first blob request, once: no retries
        Assert.False(reachability.HasAnswered(new Uri($"http://127.0.0.1:{blobPort}/")));
    }

    [Fact]
    public async Task FirstAnswers503_AreRetried_AndTheIngestSucceeds()
    {
        await using var storage = StorageFaults.CreateBound(azurite.ConnectionString, out var faults, _settings, failFastWhenUnreached: true);
        faults.Busy = n => n is 1 or 2 or 5;

        var result = await IngestAsync(storage, Bodies());

        Assert.True(result.Reconciles);
        Assert.Equal(3, faults.BusyAnswers);
        Assert.Equal(0, faults.Failed);
        Assert.True(result.Stored > 40, $"{result.Stored} stored");
    }

    [Fact]
    public void ConnectFailure_RecognisesRefusedAndNameResolution_NotOtherNetworkErrors()
    {
        Assert.Equal("connection refused", StorageReachability.ConnectFailure(new Azure.RequestFailedException("x", new HttpRequestException(HttpRequestError.ConnectionError, "x", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused)))));
        Assert.Equal("host name not found", StorageReachability.ConnectFailure(new HttpRequestException(HttpRequestError.NameResolutionError, "x", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.HostNotFound))));
        Assert.Equal("host name not found", StorageReachability.ConnectFailure(new HttpRequestException(HttpRequestError.NameResolutionError, "x")));
        Assert.Null(StorageReachability.ConnectFailure(new HttpRequestException(HttpRequestError.ConnectionError, "x", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionReset))));
        Assert.Null(StorageReachability.ConnectFailure(new Azure.RequestFailedException(503, "Server busy")));
        Assert.Null(StorageReachability.ConnectFailure(new TaskCanceledException("timed out", new TimeoutException())));

        // A name server that did not answer this time (EAI_AGAIN) is an outage, retried; only a name that does not
        // exist ends the run.
        Assert.Null(StorageReachability.ConnectFailure(new HttpRequestException(HttpRequestError.NameResolutionError, "x", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.TryAgain))));
        Assert.Equal("host name not found", StorageReachability.ConnectFailure(new HttpRequestException(HttpRequestError.NameResolutionError, "x", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.NoData))));
    }

    [Fact]
    public void Message_ThroughAProxy_NamesTheProxy_NotAzurite()
    {
        var direct = StorageReachability.Message("table", "http://127.0.0.1:1", "connection refused", proxy: null);
        var proxied = StorageReachability.Message("table", "https://acct.table.core.windows.net:443", "connection refused", new Uri("http://proxy.corp:3128/"));

        Assert.Contains("is Azurite running", direct, StringComparison.Ordinal);
        Assert.Contains("through the proxy http://proxy.corp:3128", proxied, StringComparison.Ordinal);
        Assert.DoesNotContain("Azurite", proxied, StringComparison.Ordinal);
    }

    /// <summary>The writer's backoff waits on the fake clock: moved on while the ingest runs.</summary>
    private static Task<IngestResult> IngestAsync(TestStorage storage, IReadOnlyList<EventBody> bodies) =>
        TransientStorageFailureTests.IngestWithRunningClockAsync(storage, bodies);

    /// <summary>One record whose incompressible 1.5 MB payload can only be stored as a blob.</summary>
    private static EventBody LargeBody()
    {
        var junk = new byte[1_500_000];
        new Random(7).NextBytes(junk);
        var record = new System.Text.Json.Nodes.JsonObject
        {
            ["time"] = "2025-03-04T10:00:00Z",
            ["resourceId"] = "/SUBSCRIPTIONS/X/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS1",
            ["category"] = "ChatOperational",
            ["operationName"] = "SendChatMessage",
            ["properties"] = new System.Text.Json.Nodes.JsonObject { ["junk"] = Convert.ToBase64String(junk) },
        };
        return new EventBody(System.Text.Encoding.UTF8.GetBytes(new System.Text.Json.Nodes.JsonObject { ["records"] = new System.Text.Json.Nodes.JsonArray(record) }.ToJsonString()), new Lineage { File = "large.json" });
    }

    private static List<EventBody> Bodies() => [.. AcsFunctions.Cli.Commands.DemoCommand.SampleBodies()];
}
