using System.Text;
using System.Text.Json;
using AcsFunctions.Dispatch;
using AcsFunctions.Queries;
using AcsFunctions.Schemas.Calls;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using AcsFunctions.Tests.Rollups;
using AcsFunctions.Tests.Schemas;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Tests.Storage;

/// <summary>
/// Two holes an adversarial review found in how rows are keyed and sized: a <c>|</c> inside a key component merged
/// aggregate groups, and enriched columns could leave an entity over the service's 1 MiB (which Azurite does not check).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class KeyAndEntityLimitTests(AzuriteFixture azurite)
{
    [Fact]
    public void KeyEncoder_TheSeparatorInsideAComponent_IsEncoded_SoJoinedKeysStayApart()
    {
        Assert.Equal("Get%7CThread", KeyEncoder.Encode("Get|Thread"));
        Assert.Equal("Get|Thread", KeyEncoder.Decode(KeyEncoder.Encode("Get|Thread")));
        Assert.NotEqual(KeyEncoder.Join("Get|Thread", "200"), KeyEncoder.Join("Get", "Thread|200"));
        Assert.Equal("Get|200", KeyEncoder.Join("Get", "200")); // components without a separator keep their keys
    }

    [Fact]
    public async Task ApiRequests_ThatDifferOnlyWhereTheSeparatorFalls_AreTwoAggregateRows_EveryRequestCounted()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var time = RollupTestData.Start.AddMinutes(5);
        await storage.Pipeline.IngestAsync(
        [
            RollupTestData.Body(
            [
                RollupTestData.Request(time, 10, "200", "Get|Thread", Categories.ChatOperational),
                RollupTestData.Request(time, 20, "200", "Get|Thread", Categories.ChatOperational),
                RollupTestData.Request(time, 900, "Thread|200", "Get", Categories.ChatOperational),
            ]),
        ]);
        await RollupTestData.RollupAsync(storage);

        var result = await RollupTestData.QueryAsync(storage, QueryKinds.ApiRequests, RollupTestData.Start, RollupTestData.Start.AddHours(1));
        using var rows = JsonDocument.Parse(JsonSerializer.Serialize(result.Rows, QueryJson.Options));

        var counts = rows.RootElement.EnumerateArray()
            .Select(r => (Operation: r.GetProperty("operation").GetString(), Status: r.GetProperty("statusCode").GetString(), Count: r.GetProperty("count").GetInt64()))
            .Order()
            .ToList();
        Assert.Equal([("Get", "Thread|200", 1L), ("Get|Thread", "200", 2L)], counts);
    }

    [Fact]
    public async Task ARecordWhoseColumnsExceedTheEntityLimit_IsStored_LongestColumnsCut_TheRecordKeptWhole()
    {
        // 16 metrics and two strings of 32,000 characters each: every column is within its own limit (32,768), together
        // ~1.2 MB as the service counts (UTF-16), which it refuses. Azurite measures the JSON body instead and stores it,
        // so the test checks the size as the service counts it.
        var huge = new string('x', 32_000);
        var properties = new Dictionary<string, object>
        {
            ["participantId"] = "p-1",
            ["endpointId"] = "ep-1",
            ["endpointType"] = "VoIP",
            ["mediaType"] = "Audio",
            ["streamId"] = "1",
            ["transportType"] = huge,
            ["codecName"] = huge,
        };
        foreach (var metric in CallDiagnosticsHandler.Metrics)
        {
            properties[metric] = huge;
        }

        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var result = await storage.Pipeline.IngestAsync([StoredRecords.Body(StoredRecords.Record(Categories.CallDiagnostics, "CallDiagnostics", properties, "call-over-1mib"))]);

        Assert.Equal((1, 1, 0), (result.Records, result.Stored, result.DeadLettered));
        var row = await StoredRecords.SingleAsync(storage, Categories.CallDiagnostics);
        Assert.InRange(EntityLimits.EstimateSize(row), 0, EntityLimits.MaxEntityBytes);
        Assert.Contains(row, c => c.Key.EndsWith("Truncated", StringComparison.Ordinal) && c.Value is true);
        Assert.Equal("1", row.GetString("StreamId")); // short columns are kept as they are
        var payload = Encoding.UTF8.GetString((await PayloadColumns.ReadAsync(row, storage.Services.GetRequiredService<PayloadStore>()))!);
        Assert.Equal(CallDiagnosticsHandler.Metrics.Count + 2, payload.Split(huge).Length - 1); // every value whole in the record's copy
    }
}

