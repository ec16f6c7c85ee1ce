using AcsFunctions.Cli.Commands;
using AcsFunctions.Cli.Send;
using AcsFunctions.Functions;
using AcsFunctions.Generation;
using AcsFunctions.Privacy;
using AcsFunctions.Tests.Infrastructure;
using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace AcsFunctions.Tests.Cli;

/// <summary>
/// <c>acs-diag send</c> and <c>verify</c>. No Event Hubs server runs here, so the producer is the SDK's mockable
/// <see cref="EventHubProducerClient"/> with batches from <see cref="EventHubsModelFactory"/> (the SDK's documented
/// testing support); what "the deployed app" stores is the real ingest of the sent bodies into Azurite.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SendVerifyTests(AzuriteFixture azurite) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("acs-send-").FullName;

    [Fact]
    public async Task Send_fills_each_batch_up_to_its_size_limit_tags_every_event_and_reports_progress()
    {
        var hub = new FakeHub(maxBatchBytes: 1_000);
        var bodies = Enumerable.Range(0, 10).Select(i => (ReadOnlyMemory<byte>)new byte[300 + i]).ToList();
        var output = new StringWriter();

        var exit = await SendCommand.RunAsync(hub.Producer, "acs-diagnostics", "run1", bodies, new PassThroughSanitizer(), Path.Combine(_directory, "m.json"), output, CancellationToken.None);

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Equal([3, 3, 3, 1], hub.Sent.Select(b => b.Count));
        Assert.All(hub.Sent, b => Assert.True(b.Sum(e => e.EventBody.ToMemory().Length) <= 1_000));
        Assert.Equal(bodies.Select(b => b.Length), hub.Sent.SelectMany(b => b).Select(e => e.EventBody.ToMemory().Length));
        Assert.All(hub.Sent.SelectMany(b => b), e => Assert.Equal("run1", e.Properties[EventHubSender.RunProperty]));
        Assert.Contains("run run1: 9 events, 0.0 MiB, 3 batches sent", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("run run1: sent 10 events", output.ToString(), StringComparison.Ordinal);
        var manifest = await RunManifest.LoadAsync(Path.Combine(_directory, "m.json"), CancellationToken.None);
        Assert.Equal(10, manifest.Events);
        Assert.Equal("acs-diagnostics", manifest.Hub);
    }

    [Fact]
    public async Task An_event_larger_than_a_batch_fails_the_send_naming_it()
    {
        var hub = new FakeHub(maxBatchBytes: 1_000);
        var output = new StringWriter();

        var exit = await SendCommand.RunAsync(hub.Producer, "acs-diagnostics", "run2", [new byte[10], new byte[1_001]], new PassThroughSanitizer(), Path.Combine(_directory, "m.json"), output, CancellationToken.None);

        Assert.Equal(ExitCodes.InvalidArguments, exit);
        Assert.Contains("event 1 (1,001 bytes) is larger than an Event Hubs batch allows (1,000 bytes)", output.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory, "m.json")));
    }

    [Fact]
    public async Task Verify_accounts_for_every_sent_record_once_the_app_stored_them_and_names_what_is_missing()
    {
        var hub = new FakeHub(maxBatchBytes: 256 * 1024);
        var stream = SyntheticStream.Create(new GeneratorOptions { Calls = 3, ApiRequests = 120, Minutes = 2, Seed = 14, Malformed = 0.1 });
        var manifestPath = Path.Combine(_directory, "run.json");
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var sanitizer = storage.Services.GetRequiredService<IRecordSanitizer>(); // the app's privacy key
        Assert.Equal(ExitCodes.Success, await SendCommand.RunAsync(hub.Producer, "acs-diagnostics", "run3", stream.Bodies().Select(b => (ReadOnlyMemory<byte>)b.Data), sanitizer, manifestPath, TextWriter.Null, CancellationToken.None));
        var manifest = await RunManifest.LoadAsync(manifestPath, CancellationToken.None);
        var sent = hub.Sent.SelectMany(b => b).Select(e => System.Text.Encoding.UTF8.GetString(e.EventBody.ToArray())).ToList();
        var ingestor = storage.Services.GetRequiredService<EventHubBatchIngestor>();
        var verifier = new RunVerifier(storage.Storage);

        // The app has ingested all but the last event: verify waits out its timeout and names that event's records.
        var ingested = await ingestor.IngestAsync(sent[..^1], null, null, null, null);
        var output = new StringWriter();
        var exit = await VerifyCommand.RunAsync(verifier, manifest, TimeSpan.Zero, TimeSpan.FromMilliseconds(10), TimeProvider.System, output, CancellationToken.None);
        var lastEvent = manifest.Units.Where(u => u.Event == sent.Count - 1).ToList();

        Assert.Equal(ExitCodes.Differences, exit);
        Assert.True(ingested.DeadLettered > 0, "the generated stream should contain malformed bodies");
        Assert.Contains($"{lastEvent.Count} missing after", output.ToString(), StringComparison.Ordinal);
        Assert.Contains($"event {sent.Count - 1}:", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain($"event {sent.Count - 2}:", output.ToString(), StringComparison.Ordinal);

        // Then the last event arrives: every record is stored or dead-lettered.
        await ingestor.IngestAsync(sent[^1..], null, null, null, null);
        output = new StringWriter();
        exit = await VerifyCommand.RunAsync(verifier, manifest, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(10), TimeProvider.System, output, CancellationToken.None);

        Assert.Equal(ExitCodes.Success, exit);
        var result = await verifier.CheckAsync(manifest, CancellationToken.None);
        Assert.Equal(manifest.Units.Count, result.Stored + result.DeadLettered);
        Assert.True(result.DeadLettered > 0);
        Assert.Contains("complete — every record is stored or dead-lettered", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_storage_is_a_connection_string_an_account_name_or_its_table_endpoint()
    {
        Assert.Equal("UseDevelopmentStorage=true", VerifyCommand.StorageSettings("UseDevelopmentStorage=true")["AcsFunctions:Storage:ConnectionString"]);
        Assert.Equal("https://acsdiag.table.core.windows.net", VerifyCommand.StorageSettings("acsdiag")["AcsFunctions:Storage:TableServiceUri"]);
        Assert.Equal("https://acsdiag.blob.core.windows.net", VerifyCommand.StorageSettings("https://acsdiag.table.core.windows.net/")["AcsFunctions:Storage:BlobServiceUri"]);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>An Event Hub as the SDK's mocking support models it: batches that accept events up to a size limit.</summary>
    private sealed class FakeHub
    {
        public FakeHub(long maxBatchBytes)
        {
            var stores = new Dictionary<EventDataBatch, List<EventData>>();
            Producer = new Mock<EventHubProducerClient>().Object;
            var mock = Mock.Get(Producer);
            mock.Setup(p => p.CreateBatchAsync(It.IsAny<CancellationToken>())).ReturnsAsync(() =>
            {
                var store = new List<EventData>();
                var batch = EventHubsModelFactory.EventDataBatch(
                    maxBatchBytes,
                    store,
                    new CreateBatchOptions { MaximumSizeInBytes = maxBatchBytes },
                    e => store.Sum(s => s.EventBody.ToMemory().Length) + e.EventBody.ToMemory().Length <= maxBatchBytes);
                stores[batch] = store;
                return batch;
            });
            mock.Setup(p => p.SendAsync(It.IsAny<EventDataBatch>(), It.IsAny<CancellationToken>()))
                .Callback<EventDataBatch, CancellationToken>((batch, _) => Sent.Add([.. stores[batch]]))
                .Returns(Task.CompletedTask);
        }

        public EventHubProducerClient Producer { get; }

        public List<List<EventData>> Sent { get; } = [];
    }
}
