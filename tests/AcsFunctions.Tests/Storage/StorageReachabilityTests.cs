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

    private static List<EventBody> Bodies() => [.. AcsFunctions.Cli.Commands.DemoCommand.SampleBodies()];
}
