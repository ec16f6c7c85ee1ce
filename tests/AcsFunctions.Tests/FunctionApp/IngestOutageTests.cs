using AcsFunctions.Azurite;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using AcsFunctions.Tests.Reliability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace AcsFunctions.Tests.FunctionApp;

/// <summary>
/// Storage is down for the whole of an Event Hubs batch. The extension checkpoints after every invocation that ends
/// (failed or not) unless it was cancelled, so the invocation must not end before the batch is stored: these tests
/// invoke the real function on its own Azurite, kill Azurite first, and watch when (and how) the invocation ends.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class IngestOutageTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string?> _quickRetries = new()
    {
        ["AcsFunctions:Storage:MaxWriteAttempts"] = "2",
        ["AcsFunctions:Storage:RetryBaseDelay"] = "00:00:00.020",
        ["AcsFunctions:EventHubOutage:FirstDelay"] = "00:00:00.050",
        ["AcsFunctions:EventHubOutage:MaxDelay"] = "00:00:00.200",
    };

    private readonly string _location = Path.Combine(Path.GetTempPath(), "acs-fn-outage-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly CapturedLogs _logs = new();
    private AzuriteHost? _azurite;

    private AzuriteHost Azurite => _azurite ?? throw new InvalidOperationException("Azurite is not running.");

    public async Task InitializeAsync() => _azurite = await AzuriteHost.StartAsync(new AzuriteOptions { Location = _location });

    public async Task DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
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
    public async Task Storage_down_for_the_whole_batch_the_invocation_waits_and_ends_only_when_every_event_is_stored_once()
    {
        var exported = new List<Metric>();
        await using var app = AppHost.Build(Azurite.ConnectionString, _quickRetries, s =>
        {
            s.AddLogging(b => b.AddProvider(_logs));
            s.AddOpenTelemetry().WithMetrics(m => m.AddInMemoryExporter(exported));
        });
        var meters = app.Services.GetRequiredService<MeterProvider>(); // as the started host would have it (TelemetryTests)
        var batch = EventHubBatch.WithOneMalformedBody(partition: "5");
        await Azurite.KillAsync();

        var invocation = FunctionInvocationTests.InvokeAsync(app, batch);
        await WaitForFailedAttemptsAsync(invocation, 4);
        Assert.False(invocation.IsCompleted, "the invocation ended while storage was down: the host would checkpoint past unstored events");

        await Azurite.RestartAsync();
        await invocation.WaitAsync(TimeSpan.FromMinutes(2));

        // Ended successfully: everything is there, and exactly once.
        var rows = await app.Storage.AllAsync(TableNames.Records);
        Assert.Equal([500L, 500L, 501L], rows.Select(r => r.GetInt64("SourceSequenceNumber")!.Value).Order());
        Assert.Equal(3, rows.Select(r => (r.PartitionKey, r.RowKey)).Distinct().Count());
        var dead = Assert.Single(await app.Storage.AllAsync(TableNames.DeadLetters));
        Assert.Equal(502L, dead.GetInt64("SourceSequenceNumber"));
        Assert.Contains(_logs.Entries, e => e.Id.Name == "EventHubBatchStoredAfterRetries");

        // Every failed attempt is counted for its partition, like the pipeline's other measurements.
        Assert.True(meters.ForceFlush());
        var failed = _logs.Entries.Count(e => e.Id.Name == "EventHubBatchAttemptFailed");
        Assert.Equal(failed, TelemetryTests.Sum(exported, "acs.ingest.batch_attempts_failed", "5"));
    }

    [Fact]
    public async Task Host_shutdown_mid_outage_ends_the_invocation_cancelled_never_successfully()
    {
        await using var app = AppHost.Build(Azurite.ConnectionString, _quickRetries, s => s.AddLogging(b => b.AddProvider(_logs)));
        await Azurite.KillAsync();
        using var shutdown = new CancellationTokenSource();

        var invocation = FunctionInvocationTests.InvokeAsync(app, EventHubBatch.WithOneMalformedBody(), shutdown.Token);
        await WaitForFailedAttemptsAsync(invocation, 2);
        await shutdown.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => invocation.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(invocation.IsCanceled || invocation.IsFaulted);
        Assert.DoesNotContain(_logs.Entries, e => e.Id.Name is "EventHubBatchStoredAfterRetries" or "EventHubBatchIngested");
    }

    private async Task WaitForFailedAttemptsAsync(Task invocation, int attempts)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (_logs.Entries.Count(e => e.Id.Name == "EventHubBatchAttemptFailed") < attempts)
        {
            Assert.False(invocation.IsCompleted, $"the invocation ended while storage was down ({invocation.Status}): {invocation.Exception?.GetBaseException().Message}");
            Assert.True(waited.Elapsed < TimeSpan.FromMinutes(2), "no failed attempt was logged");
            await Task.Delay(50);
        }
    }
}
