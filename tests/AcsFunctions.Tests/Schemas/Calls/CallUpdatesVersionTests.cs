using System.Text.Json.Nodes;
using AcsFunctions.Dispatch;
using AcsFunctions.Schemas.Calls;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using Azure.Data.Tables;

namespace AcsFunctions.Tests.Schemas.Calls;

[Collection(AzuriteCollection.Name)]
public sealed class CallUpdatesVersionTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task SummaryUpdates_V2ArrivesBeforeV1_HighestVersionWins()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);

        await storage.Pipeline.IngestAsync([StoredRecords.Body(SummaryUpdate(2, duration: 300))]);
        await storage.Pipeline.IngestAsync([StoredRecords.Body(SummaryUpdate(1, duration: 120))]);

        var rows = await CallRowsAsync(storage);
        Assert.Equal(["S|leg-1|v000001", "S|leg-1|v000002"], rows.Select(r => r.RowKey).Order(StringComparer.Ordinal));
        var latest = Assert.Single(CallRecordVersions.Latest(rows));
        Assert.Equal(2, latest.GetInt32("CallUpdatesVersion"));
        Assert.Equal(300d, latest.GetDouble("CallDurationSeconds"));
        Assert.Equal("CallSummaryUpdates", latest.GetString("Category"));
    }

    [Fact]
    public async Task DiagnosticsUpdates_LowerVersionInSameBatch_NeverReplacesHigher()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);

        await storage.Pipeline.IngestAsync([StoredRecords.Body(StreamUpdate(3, rtt: "650"), StreamUpdate(1, rtt: "40"))]);

        var rows = await CallRowsAsync(storage);
        Assert.Equal(2, rows.Count);
        var latest = Assert.Single(CallRecordVersions.Latest(rows));
        Assert.Equal("D|leg-1|Audio|77|v000003", latest.RowKey);
        Assert.Equal(650d, latest.GetDouble("RoundTripTimeAvg"));
        Assert.True(latest.GetBoolean("Poor"));
    }

    [Fact]
    public async Task SameVersionRedelivered_IsOneRow()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);

        await storage.Pipeline.IngestAsync([StoredRecords.Body(SummaryUpdate(2, duration: 300))]);
        await storage.Pipeline.IngestAsync([StoredRecords.Body(SummaryUpdate(2, duration: 300))]);

        Assert.Single(await CallRowsAsync(storage));
    }

    [Fact]
    public void Latest_IgnoresArrivalOrder_AndKeysWithoutSuffixAreVersionZero()
    {
        var rows = new[]
        {
            new TableEntity("p", "S|a|v000010"), new TableEntity("p", "S|a|v000009"), new TableEntity("p", "S|b"),
            new TableEntity("p", "S|a|v000002"),
        };

        var latest = CallRecordVersions.Latest(rows);

        Assert.Equal(["S|a|v000010", "S|b"], latest.Select(r => r.RowKey));
        Assert.Equal("S|a", CallRecordVersions.LogicalKey("S|a|v000010"));
        Assert.Equal(10, CallRecordVersions.Version("S|a|v000010"));
    }

    [Fact]
    public void VersionSuffix_SurvivesAnOverlongLegId()
    {
        var key = CallRowKeys.Summary(new string('x', 2000), 5);

        Assert.True(key.Length <= KeyEncoder.MaxKeyLength);
        Assert.EndsWith("|v000005", key, StringComparison.Ordinal);
        Assert.NotEqual(CallRecordVersions.LogicalKey(key), CallRecordVersions.LogicalKey(CallRowKeys.Summary(new string('x', 1999), 5)));
    }

    private static async Task<List<TableEntity>> CallRowsAsync(TestStorage storage) => await storage.AllAsync(TableNames.CallRecords);

    private static JsonObject SummaryUpdate(int version, int duration) =>
        CallSummaryHandlerTests.Summary("c-updates", new
        {
            participantId = "leg-1",
            endpointType = "VoIP",
            callType = "Group",
            callDuration = duration,
            participantEndReason = "0",
            callUpdatesVersion = version.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, Categories.CallSummaryUpdates);

    private static JsonObject StreamUpdate(int version, string rtt)
    {
        var record = CallDiagnosticsHandlerTests.Stream(
            "c-updates", "Audio", new JsonObject { ["roundTripTimeAvg"] = rtt, ["callUpdatesVersion"] = version },
            Categories.CallDiagnosticsUpdates, participantId: "leg-1", streamId: "77");
        return record;
    }
}
