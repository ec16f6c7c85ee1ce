using System.Text.Json.Nodes;
using AcsFunctions.Dispatch;
using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Schemas.CallClient;

[Collection(AzuriteCollection.Name)]
public sealed class CallClientHandlerTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task CallClientOperations_Sample_RequestColumnsAndParsedPayload()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([Samples.Body("call-client.json")]);

        var row = await StoredRecords.SingleAsync(storage, Categories.CallClientOperations);
        Assert.Equal("CreateView", row.GetString("OperationName"));
        Assert.Equal("200", row.GetString("StatusCode"));
        Assert.Equal("2xx", row.GetString("StatusClass"));
        Assert.True(row.GetBoolean("Success"));
        Assert.False(row.GetBoolean("Failed"));
        Assert.Equal(577d, row.GetDouble("DurationMs"));
        Assert.Equal("92d800c4-abde-40be-91e9-3814ee786b19", row.GetString("CallId"));
        Assert.Equal("2656fd6c-6d4a-451d-a1a5-ce1baefc4d5c", row.GetString("ParticipantId"));
        Assert.Equal("client-api-request", row.GetString("OperationType"));
        Assert.Equal("1.19.2.2_beta", row.GetString("SdkVersion"));
        Assert.Equal(new DateTimeOffset(2024, 1, 9, 15, 7, 56, 66, TimeSpan.Zero), row.GetDateTimeOffset("CallClientTimeStamp"));
        Assert.True(row.GetBoolean("PayloadParsed"));
        Assert.Equal("Video", row.GetString("PayloadStreamType"));
        Assert.Equal("2.0", row.GetString("PayloadStreamId"));
        Assert.Equal("remote", row.GetString("PayloadSource"));
        Assert.Contains("\"StreamType\":\"Video\"", row.GetString("OperationPayload"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallClientOperations_PayloadNotJson_KeptRaw()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([StoredRecords.Body(Operation("Join", "{StreamType: Video, truncated"))]);

        var row = await StoredRecords.SingleAsync(storage, Categories.CallClientOperations);
        Assert.False(row.GetBoolean("PayloadParsed"));
        Assert.Equal("{StreamType: Video, truncated", row.GetString("OperationPayload"));
        Assert.DoesNotContain(row.Keys, k => k.StartsWith("PayloadStream", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CallClientOperations_PayloadAsObject_TypedValues()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var payload = new JsonObject { ["isMuted"] = true, ["volume"] = 0.5, ["device-name"] = "Headset", ["nested"] = new JsonObject { ["a"] = 1 } };
        await storage.Pipeline.IngestAsync([StoredRecords.Body(Operation("Mute", payload))]);

        var row = await StoredRecords.SingleAsync(storage, Categories.CallClientOperations);
        Assert.True(row.GetBoolean("PayloadParsed"));
        Assert.True(row.GetBoolean("PayloadIsMuted"));
        Assert.Equal(0.5, row.GetDouble("PayloadVolume"));
        Assert.Equal("Headset", row.GetString("PayloadDevicename"));
        Assert.Equal("{\"a\":1}", row.GetString("PayloadNested"));
    }

    [Fact]
    public async Task CallClientOperations_FailedOperation()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var record = Operation("StartVideo", "{}");
        record["properties"]!["ResultType"] = "Failed";
        record["properties"]!["ResultSignature"] = "500";
        await storage.Pipeline.IngestAsync([StoredRecords.Body(record)]);

        var row = await StoredRecords.SingleAsync(storage, Categories.CallClientOperations);
        Assert.Equal("5xx", row.GetString("StatusClass"));
        Assert.True(row.GetBoolean("Failed"));
        Assert.False(row.GetBoolean("Success"));
    }

    [Fact]
    public async Task MediaStatsTimeSeries_Sample_AggregatesParsedAndStreamNormalised()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([Samples.Body("call-client.json")]);

        var row = await StoredRecords.SingleAsync(storage, Categories.CallClientMediaStatsTimeSeries);
        Assert.Equal("JitterInMs", row.GetString("MetricName"));
        Assert.Equal(2d, row.GetDouble("Count"));
        Assert.Equal(34d, row.GetDouble("Sum"));
        Assert.Equal(17d, row.GetDouble("Average"));
        Assert.Equal(10d, row.GetDouble("Minimum"));
        Assert.Equal(25d, row.GetDouble("Maximum"));
        Assert.Equal(10d, row.GetDouble("AggregationIntervalSeconds"));
        Assert.Equal("Audio", row.GetString("MediaStreamType"));
        Assert.Equal("Recv", row.GetString("MediaStreamDirection"));
        Assert.Equal("OPUS", row.GetString("MediaStreamCodec"));
        Assert.Equal("92d800c4-abde-40be-91e9-3814ee786b19", row.GetString("CallId"));
    }

    private static JsonObject Operation(string operation, JsonNode payload)
    {
        var properties = new JsonObject
        {
            ["CallId"] = "c0ffee00-0000-4000-8000-000000000001",
            ["ParticipantId"] = "p-1",
            ["OperationType"] = "client-api-request",
            ["DurationMs"] = "12",
            ["ResultType"] = "Succeeded",
            ["ResultSignature"] = "200",
            ["OperationPayload"] = payload,
        };
        return StoredRecords.Record(Categories.CallClientOperations, operation, properties);
    }
}
