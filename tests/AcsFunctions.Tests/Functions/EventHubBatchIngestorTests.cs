using System.Text.Json;
using System.Text.Json.Nodes;
using AcsFunctions.Functions;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static AcsFunctions.Tests.Rollups.RollupTestData;

namespace AcsFunctions.Tests.Functions;

/// <summary>The Event Hubs trigger's work, against Azurite: every stored row and dead letter carries its event's position.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class EventHubBatchIngestorTests(AzuriteFixture azurite)
{
    private const string PartitionContext = """{"FullyQualifiedNamespace":"ns.servicebus.windows.net","EventHubName":"acs","ConsumerGroup":"acs-functions","PartitionId":"3"}""";

    [Fact]
    public async Task EveryRowAndDeadLetter_CarriesPartitionSequenceOffsetAndEnqueuedTime()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var ingestor = storage.Services.GetRequiredService<EventHubBatchIngestor>();
        string[] bodies =
        [
            Records(Request(Start, 10), Request(Start.AddSeconds(5), 20)),
            Records(Request(Start.AddSeconds(9), 30)),
            "{ this is not json",
        ];
        DateTime[] enqueued = [new(2026, 11, 20, 10, 0, 1, DateTimeKind.Utc), new(2026, 11, 20, 10, 0, 2, DateTimeKind.Unspecified), new(2026, 11, 20, 10, 0, 3, DateTimeKind.Utc)];
        long[] sequences = [100, 101, 102];
        string[] offsets = ["4096", "8192", "12288"];

        var result = await ingestor.IngestAsync(bodies, enqueued, sequences, offsets, new Dictionary<string, object?> { ["PartitionContext"] = PartitionContext });

        Assert.Equal(3, result.Bodies);
        Assert.Equal(3, result.Stored);
        Assert.Equal(1, result.DeadLettered);
        Assert.True(result.Reconciles);
        var rows = await storage.AllAsync(TableNames.Records);
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Equal("3", r.GetString("SourcePartition")));
        Assert.Equal([100L, 100L, 101L], rows.Select(r => r.GetInt64("SourceSequenceNumber")!.Value).Order());
        var second = rows.Single(r => r.GetInt64("SourceSequenceNumber") == 101);
        Assert.Equal("8192", second.GetString("SourceOffset"));
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 10, 0, 2, TimeSpan.Zero), second.GetDateTimeOffset("SourceEnqueuedTime"));
        var dead = Assert.Single(await storage.AllAsync(TableNames.DeadLetters));
        Assert.Equal("3", dead.GetString("SourcePartition"));
        Assert.Equal(102L, dead.GetInt64("SourceSequenceNumber"));
        Assert.Equal("12288", dead.GetString("SourceOffset"));
    }

    [Fact]
    public void PartitionId_ReadsTheIsolatedWorkersJsonString_AnElement_OrNothing()
    {
        Assert.Equal("3", EventHubBatchIngestor.PartitionId(new Dictionary<string, object?> { ["PartitionContext"] = PartitionContext }));
        using var element = JsonDocument.Parse("""{"partitionId":7}""");
        Assert.Equal("7", EventHubBatchIngestor.PartitionId(new Dictionary<string, object?> { ["PartitionContext"] = element.RootElement }));
        Assert.Null(EventHubBatchIngestor.PartitionId(new Dictionary<string, object?> { ["PartitionContext"] = "{ broken" }));
        Assert.Null(EventHubBatchIngestor.PartitionId(new Dictionary<string, object?> { ["PartitionContext"] = "[]" }));
        Assert.Null(EventHubBatchIngestor.PartitionId(new Dictionary<string, object?>()));
        Assert.Null(EventHubBatchIngestor.PartitionId(null));
    }

    [Fact]
    public void LineageAt_LeavesFieldsNullWhenTheBindingArraysAreShort()
    {
        var lineage = EventHubBatchIngestor.LineageAt(1, "0", [new DateTime(2026, 11, 20, 10, 0, 0, DateTimeKind.Utc)], [5, 6], null);

        Assert.Equal("0", lineage.PartitionId);
        Assert.Equal(6, lineage.SequenceNumber);
        Assert.Null(lineage.Offset);
        Assert.Null(lineage.EnqueuedTime);
        Assert.Equal("partition 0 seq 6", lineage.ToString());
    }

    private static string Records(params JsonObject[] records) => new JsonObject { ["records"] = new JsonArray([.. records]) }.ToJsonString();
}
