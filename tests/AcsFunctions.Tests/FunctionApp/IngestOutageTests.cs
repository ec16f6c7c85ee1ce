using AcsFunctions.Azurite;
using AcsFunctions.Decoding;
using AcsFunctions.Dispatch;
using AcsFunctions.Ingestion;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using AcsFunctions.Tests.Reliability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace AcsFunctions.Tests.FunctionApp;

/// <summary>
/// Storage is down for the whole of an Event Hubs batch, or the batch fails on every attempt for another reason. The
/// extension checkpoints after every invocation that ends (failed or not) unless it was cancelled, so the invocation
/// must not end before the batch is stored or dead-lettered: these tests invoke the real function on its own Azurite,
/// kill Azurite or give an ingest observer a bug (which no real component produces on demand), and watch when (and how)
/// the invocation ends. An outage is held without limit; a batch that fails deterministically is dead-lettered whole
/// (<c>batch-failed</c>) after <c>PoisonAfterAttempts</c> attempts, unless the limit is 0 or the dead letters cannot be
/// written.
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
        ["AcsFunctions:EventHubOutage:PoisonAfterAttempts"] = "2", // an outage is never a poison batch, however long
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
        await WaitForLogsAsync(invocation, "EventHubBatchAttemptFailed", 4);
        Assert.False(invocation.IsCompleted, "the invocation ended while storage was down: the host would checkpoint past unstored events");

        await Azurite.RestartAsync();
        await invocation.WaitAsync(TimeSpan.FromMinutes(2));

        // Ended successfully: everything is there, and exactly once.
        var rows = await app.Storage.AllAsync(TableNames.Records);
        Assert.Equal([500L, 500L, 501L], rows.Select(r => r.GetInt64("SourceSequenceNumber")!.Value).Order());
        Assert.Equal(3, rows.Select(r => (r.PartitionKey, r.RowKey)).Distinct().Count());
        var dead = Assert.Single(await app.Storage.AllAsync(TableNames.DeadLetters));
        Assert.Equal(502L, dead.GetInt64("SourceSequenceNumber"));
        Assert.Equal("invalid-json", dead.GetString("Reason"));
        Assert.Contains(_logs.Entries, e => e.Id.Name == "EventHubBatchStoredAfterRetries");
        Assert.DoesNotContain(_logs.Entries, e => e.Id.Name == "EventHubBatchDeadLettered");

        // Every failed attempt is counted for its partition, like the pipeline's other measurements, as an outage.
        Assert.True(meters.ForceFlush());
        var failed = _logs.Entries.Count(e => e.Id.Name == "EventHubBatchAttemptFailed");
        Assert.True(failed > 2, $"only {failed} failed attempts: the outage did not outlast PoisonAfterAttempts");
        Assert.Equal(failed, TelemetryTests.Sum(exported, "acs.ingest.batch_attempts_failed", "5", ("failure", "availability")));
    }

    [Fact]
    public async Task Host_shutdown_mid_outage_ends_the_invocation_cancelled_never_successfully()
    {
        await using var app = AppHost.Build(Azurite.ConnectionString, _quickRetries, s => s.AddLogging(b => b.AddProvider(_logs)));
        await Azurite.KillAsync();
        using var shutdown = new CancellationTokenSource();

        var invocation = FunctionInvocationTests.InvokeAsync(app, EventHubBatch.WithOneMalformedBody(), shutdown.Token);
        await WaitForLogsAsync(invocation, "EventHubBatchAttemptFailed", 2);
        await shutdown.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => invocation.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(invocation.IsCanceled || invocation.IsFaulted);
        Assert.DoesNotContain(_logs.Entries, e => e.Id.Name is "EventHubBatchStoredAfterRetries" or "EventHubBatchIngested");
    }

    [Fact]
    public async Task A_batch_that_fails_the_same_way_every_time_is_dead_lettered_whole_after_the_limit_and_the_invocation_completes()
    {
        var exported = new List<Metric>();
        var bug = new FaultyObserver();
        await using var app = Build(poisonAfter: 3, bug, s => s.AddOpenTelemetry().WithMetrics(m => m.AddInMemoryExporter(exported)));
        var meters = app.Services.GetRequiredService<MeterProvider>();
        var batch = EventHubBatch.WithOneMalformedBody(partition: "7");

        await FunctionInvocationTests.InvokeAsync(app, batch).WaitAsync(TimeSpan.FromSeconds(60));

        // Every body, whole, with the reason, what failed and how often, and its lineage; no typed row.
        Assert.Equal(3, bug.Throws);
        Assert.Empty(await app.Storage.AllAsync(TableNames.Records));
        var dead = (await app.Storage.AllAsync(TableNames.DeadLetters)).OrderBy(d => d.GetInt64("SourceSequenceNumber")).ToList();
        Assert.Equal([500L, 501L, 502L], dead.Select(d => d.GetInt64("SourceSequenceNumber")!.Value));
        Assert.All(dead, d =>
        {
            Assert.Equal("batch-failed", d.GetString("Reason"));
            Assert.Contains("failed 3 times", d.GetString("Detail"), StringComparison.Ordinal);
            Assert.Contains("System.InvalidOperationException: observer bug", d.GetString("Detail"), StringComparison.Ordinal);
            Assert.Equal("7", d.GetString("SourcePartition"));
            Assert.NotNull(d.GetString("SourceOffset"));
            Assert.NotNull(d.GetDateTimeOffset("SourceEnqueuedTime"));
        });
        Assert.Equal(batch.Bodies[2], dead[2].GetString("Raw"));
        var logged = Assert.Single(_logs.Entries, e => e.Id.Name == "EventHubBatchDeadLettered");
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.Contains("partition 7 from sequence number 500", logged.Message, StringComparison.Ordinal);

        // The counts reconcile: what arrived (3 bodies) is what was dead-lettered; the batch and its failed attempts are counted.
        Assert.True(meters.ForceFlush());
        Assert.Equal(3, TelemetryTests.Sum(exported, "acs.ingest.records", "7"));
        Assert.Equal(0, TelemetryTests.Sum(exported, "acs.ingest.stored", "7"));
        Assert.Equal(3, TelemetryTests.Sum(exported, "acs.ingest.dead_lettered", "7", ("reason", "batch-failed")));
        Assert.Equal(1, TelemetryTests.Sum(exported, "acs.ingest.batches_dead_lettered", "7"));
        Assert.Equal(3, TelemetryTests.Sum(exported, "acs.ingest.batch_attempts_failed", "7", ("failure", "deterministic")));
        Assert.Equal(0, TelemetryTests.Points(exported, "acs.ingest.lag", "7").Sum(p => p.GetHistogramCount())); // nothing was stored

        // Delivered again (the host crashed before its checkpoint): the same rows, none added.
        var before = await TableSnapshot.TakeAsync(app.Storage, [TableNames.DeadLetters]);
        await FunctionInvocationTests.InvokeAsync(app, batch).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(before, await TableSnapshot.TakeAsync(app.Storage, [TableNames.DeadLetters]));
    }

    [Fact]
    public async Task A_body_set_aside_is_stored_through_the_privacy_policy_as_its_records_would_be()
    {
        // A URL's query values are personal only by the field they are in (the policy masks URI): a pattern scrub of the
        // whole body, as for an undecodable one, would keep them.
        var bug = new FaultyObserver();
        await using var app = Build(poisonAfter: 1, bug);
        var record = Rollups.RollupTestData.Request(Rollups.RollupTestData.Start, 10);
        record["properties"]!["URI"] = "https://contoso.example/tokens?code=TOPSECRET42&api-version=2024-01-01";
        var body = new System.Text.Json.Nodes.JsonObject { ["records"] = new System.Text.Json.Nodes.JsonArray(record) }.ToJsonString();

        await FunctionInvocationTests.InvokeAsync(app, EventHubBatch.Of("6", [body], firstSequence: 900)).WaitAsync(TimeSpan.FromSeconds(60));

        var dead = Assert.Single(await app.Storage.AllAsync(TableNames.DeadLetters));
        Assert.Equal("batch-failed", dead.GetString("Reason"));
        var raw = dead.GetString("Raw")!;
        Assert.DoesNotContain("TOPSECRET42", raw, StringComparison.Ordinal);
        Assert.Contains("https://contoso.example/tokens?code=", raw, StringComparison.Ordinal);
        Assert.Contains("api-version=2024-01-01", raw, StringComparison.Ordinal);
        Assert.Equal(1, System.Text.Json.JsonDocument.Parse(raw).RootElement.GetProperty("records").GetArrayLength());
    }

    [Fact]
    public async Task With_the_limit_0_a_failing_batch_is_held_without_limit()
    {
        var bug = new FaultyObserver();
        await using var app = Build(poisonAfter: 0, bug);
        using var shutdown = new CancellationTokenSource();

        var invocation = FunctionInvocationTests.InvokeAsync(app, EventHubBatch.WithOneMalformedBody(), shutdown.Token);
        await WaitForLogsAsync(invocation, "EventHubBatchAttemptFailed", 10, TimeSpan.FromSeconds(60));
        Assert.False(invocation.IsCompleted);
        Assert.All(_logs.Entries.Where(e => e.Id.Name == "EventHubBatchAttemptFailed"), e => Assert.Contains("(deterministic)", e.Message, StringComparison.Ordinal));

        await shutdown.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => invocation.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Empty(await app.Storage.AllAsync(TableNames.DeadLetters));
        Assert.DoesNotContain(_logs.Entries, e => e.Id.Name == "EventHubBatchDeadLettered");
    }

    [Fact]
    public async Task When_the_dead_letters_cannot_be_written_the_batch_is_held_until_they_can()
    {
        // The bug's last failure before the limit also takes storage down: setting the batch aside fails until it heals.
        var bug = new FaultyObserver();
        await using var app = Build(poisonAfter: 2, bug);
        bug.OnThrow = n =>
        {
            if (n == 2)
            {
                Azurite.KillAsync().GetAwaiter().GetResult();
            }
        };

        var invocation = FunctionInvocationTests.InvokeAsync(app, EventHubBatch.WithOneMalformedBody(partition: "4"));
        await WaitForLogsAsync(invocation, "EventHubBatchDeadLetterFailed", 3, TimeSpan.FromSeconds(60));
        Assert.False(invocation.IsCompleted, "the invocation ended while its dead letters could not be written: the host would checkpoint past the batch");
        Assert.DoesNotContain(_logs.Entries, e => e.Id.Name == "EventHubBatchDeadLettered");

        await Azurite.RestartAsync();
        await invocation.WaitAsync(TimeSpan.FromMinutes(2));
        var dead = await app.Storage.AllAsync(TableNames.DeadLetters);
        Assert.Equal([500L, 501L, 502L], dead.Select(d => d.GetInt64("SourceSequenceNumber")!.Value).Order());
        Assert.All(dead, d => Assert.Equal("batch-failed", d.GetString("Reason")));
        Assert.Single(_logs.Entries, e => e.Id.Name == "EventHubBatchDeadLettered");
    }

    private AppHost Build(int poisonAfter, FaultyObserver bug, Action<IServiceCollection>? configure = null) =>
        AppHost.Build(
            Azurite.ConnectionString,
            new Dictionary<string, string?>(_quickRetries)
            {
                ["AcsFunctions:EventHubOutage:PoisonAfterAttempts"] = poisonAfter.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            s =>
            {
                s.AddLogging(b => b.AddProvider(_logs));
                s.AddSingleton<IIngestObserver>(bug);
                configure?.Invoke(s);
            });

    private async Task WaitForLogsAsync(Task invocation, string name, int count, TimeSpan? limit = null)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (_logs.Entries.Count(e => e.Id.Name == name) < count)
        {
            Assert.False(invocation.IsCompleted, $"the invocation ended ({invocation.Status}): {invocation.Exception?.GetBaseException().Message}");
            Assert.True(waited.Elapsed < (limit ?? TimeSpan.FromMinutes(2)), $"fewer than {count} {name} logged");
            await Task.Delay(50);
        }
    }

    /// <summary>An observer with a bug: it throws on every stored record (so every attempt of a batch with records fails the same way).</summary>
    private sealed class FaultyObserver : IIngestObserver
    {
        private int _throws;

        public int Throws => Volatile.Read(ref _throws);

        /// <summary>Called with the number of the throw, just before it.</summary>
        public Action<int>? OnThrow { get; set; }

        public IIngestObservation StartBatch() => new Observation(this);

        private sealed class Observation(FaultyObserver owner) : IIngestObservation
        {
            public void OnStored(RecordContext context, EnrichedRecord enriched)
            {
                var number = Interlocked.Increment(ref owner._throws);
                owner.OnThrow?.Invoke(number);
                throw new InvalidOperationException("observer bug");
            }

            public void OnDeadLettered(DeadLetter deadLetter)
            {
            }

            public void OnStoreRejected(string category, bool unclassified, DeadLetter deadLetter)
            {
            }

            public Task CommitAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
        }
    }
}
