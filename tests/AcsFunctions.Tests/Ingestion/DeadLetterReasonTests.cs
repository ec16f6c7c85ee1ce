using System.Text.Json.Nodes;
using AcsFunctions.Decoding;
using AcsFunctions.Dispatch;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static AcsFunctions.Tests.Rollups.RollupTestData;

namespace AcsFunctions.Tests.Ingestion;

/// <summary>
/// The dead-letter reasons of docs/ingestion.md that only a call record or a failing handler produce: each lands in
/// <c>AcsDeadLetters</c> with its reason, category and lineage, and its neighbours in the same body are stored.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DeadLetterReasonTests(AzuriteFixture azurite)
{
    private const string ResourceId = "/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS-DL";

    [Theory]
    [InlineData("CallSummary")]
    [InlineData("CallDiagnostics")]
    [InlineData("CallSummaryUpdates")]
    public async Task CallRecordWithoutCorrelationId_IsDeadLetteredMissingCorrelationId_NeighboursStored(string category)
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var withId = CallRecord(category, "341acde7-8aa5-445b-a3da-2ddadca47d22");
        var withoutId = CallRecord(category, correlationId: null);

        var result = await storage.Pipeline.IngestAsync([Samples.Text(Json(withId, withoutId, Request(Start, 12)), "calls.json")]);

        Assert.True(result.Reconciles);
        Assert.Equal((3, 2, 1), (result.Records, result.Stored, result.DeadLettered));
        Assert.Equal(1, result.DeadLetteredByReason[DeadLetterReasons.MissingCorrelationId]);
        var dead = Assert.Single(await storage.AllAsync(TableNames.DeadLetters));
        Assert.Equal("missing-correlation-id", dead.GetString("Reason"));
        Assert.Equal(Categories.Canonicalize(category), dead.GetString("Category"));
        Assert.Equal("calls.json", dead.GetString("SourceFile"));
        Assert.Single(await storage.AllAsync(TableNames.CallRecords)); // the record with its correlationId
        Assert.Single(await storage.AllAsync(TableNames.Records)); // the API request
    }

    [Fact]
    public async Task HandlerThrows_RecordIsDeadLetteredHandlerError_NeighboursStored()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString, configure: services =>
            services.AddSingleton<IRecordHandler, ThrowingHandler>());
        var body = Json(
            Request(Start, 12),
            new JsonObject { ["time"] = "2026-11-20T10:00:01Z", ["resourceId"] = ResourceId, ["category"] = ThrowingHandler.Category, ["operationName"] = "Boom" },
            Request(Start.AddSeconds(2), 13));

        var result = await storage.Pipeline.IngestAsync([Samples.Text(body, "handler.json")]);

        Assert.True(result.Reconciles);
        Assert.Equal((3, 2, 1), (result.Records, result.Stored, result.DeadLettered));
        Assert.Equal(1, result.DeadLetteredByReason[DeadLetterReasons.HandlerError]);
        var dead = Assert.Single(await storage.AllAsync(TableNames.DeadLetters));
        Assert.Equal("handler-error", dead.GetString("Reason"));
        Assert.Equal(ThrowingHandler.Category, dead.GetString("Category"));
        Assert.Contains("handler bug", dead.GetString("Detail"), StringComparison.Ordinal);
        Assert.Equal("handler.json", dead.GetString("SourceFile"));
        Assert.Equal(2, (await storage.AllAsync(TableNames.Records)).Count);
    }

    [Fact]
    public async Task RecordWithoutCategory_WithAValidTime_IsDeadLetteredUnderItsEventDay_OnceOnEveryIngestDay()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var body = Json(
            new JsonObject { ["time"] = "2025-06-08T10:00:00Z", ["resourceId"] = ResourceId, ["operationName"] = "NoCategory" },
            new JsonObject { ["time"] = "12:00:00", ["resourceId"] = ResourceId, ["operationName"] = "NoCategoryNoDate" });

        await storage.Pipeline.IngestAsync([Samples.Text(body, "no-category.json")]);
        storage.Time.Advance(TimeSpan.FromDays(3));
        var again = await storage.Pipeline.IngestAsync([Samples.Text(body, "no-category.json")]);

        Assert.Equal(2, again.DeadLetteredByReason[DeadLetterReasons.MissingCategory]);
        var dead = (await storage.AllAsync(TableNames.DeadLetters)).ToList();
        var timed = Assert.Single(dead, d => d.GetDateTimeOffset("EventTime") is not null);
        Assert.StartsWith("20250608|", timed.PartitionKey, StringComparison.Ordinal);
        Assert.Equal(new DateTimeOffset(2025, 6, 8, 10, 0, 0, TimeSpan.Zero), timed.GetDateTimeOffset("EventTime"));
        Assert.Equal("missing-category", timed.GetString("Reason"));

        // A time that is not one (no date) gives no day: that record stays under each ingest day.
        var untimed = dead.Where(d => !ReferenceEquals(d, timed)).Select(d => d.PartitionKey[..8]).Order(StringComparer.Ordinal);
        Assert.Equal(["20261123", "20261126"], untimed);
    }

    private static JsonObject CallRecord(string category, string? correlationId)
    {
        var record = new JsonObject
        {
            ["time"] = "2026-11-20T10:00:00Z",
            ["resourceId"] = ResourceId,
            ["operationName"] = category,
            ["category"] = category,
            ["properties"] = new JsonObject
            {
                ["callType"] = "P2P",
                ["participantId"] = "04cc26f5-a86d-481c-b9f9-7a40be4d6fba",
                ["endpointType"] = "VoIP",
                ["mediaType"] = "Audio",
                ["streamId"] = "1000",
                ["callStartTime"] = "2026-11-20T09:58:00Z",
            },
        };
        if (correlationId is not null)
        {
            record["correlationId"] = correlationId;
        }

        return record;
    }

    private static string Json(params JsonObject[] records) => new JsonObject { ["records"] = new JsonArray(records) }.ToJsonString();

    /// <summary>A handler with a bug (an extension point: handlers are registered per category).</summary>
    private sealed class ThrowingHandler : IRecordHandler
    {
        public const string Category = "ContosoBuggyOperational";

        public IReadOnlyCollection<string> Categories { get; } = [Category];

        public HandlerOutcome Handle(RecordContext context) => throw new InvalidOperationException("handler bug");
    }
}
