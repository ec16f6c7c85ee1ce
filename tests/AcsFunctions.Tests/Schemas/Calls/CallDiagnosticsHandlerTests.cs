using System.Text.Json.Nodes;
using AcsFunctions.Dispatch;
using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Schemas.Calls;

[Collection(AzuriteCollection.Name)]
public sealed class CallDiagnosticsHandlerTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task P2pVideoStream_IsNotPoor_AndEveryMetricParsed()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([Samples.Body("p2p-call.json")]);

        var streams = await StoredRecords.OfCategoryAsync(storage, Categories.CallDiagnostics);
        var video = Assert.Single(streams, s => s.GetString("MediaType") == "Video");
        Assert.False(video.GetBoolean("Poor"));
        Assert.False(video.ContainsKey("PoorReasons"));
        Assert.Equal("2804", video.GetString("StreamId"));
        Assert.Equal("Outbound", video.GetString("Direction"));
        Assert.Equal("UDP", video.GetString("TransportType"));
        Assert.Equal(103d, video.GetDouble("RoundTripTimeAvg"));
        Assert.Equal(143d, video.GetDouble("RoundTripTimeMax"));
        Assert.Equal(0d, video.GetDouble("JitterAvg"));
        Assert.Equal(4d, video.GetDouble("JitterMax"));
        Assert.Equal(3.146336E-05, video.GetDouble("PacketLossRateAvg"));
        Assert.Equal(0.001769911, video.GetDouble("PacketLossRateMax"));
        Assert.Equal("D|570ea078-74e9-4430-9c67-464ba1fa5859|Video|2804|v000000", video.RowKey);
        Assert.All(streams, s => Assert.False(s.GetBoolean("Poor")));
    }

    [Fact]
    public async Task GroupCall_ServerEndpointStreamsAreInbound_ClientStreamsOutbound()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([Samples.Body("group-call.json")]);

        var streams = await StoredRecords.OfCategoryAsync(storage, Categories.CallDiagnostics);
        Assert.NotEmpty(streams);
        Assert.All(streams, s => Assert.Equal(s.GetString("EndpointType") == "Server" ? "Inbound" : "Outbound", s.GetString("Direction")));
        Assert.Contains(streams, s => s.GetString("Direction") == "Inbound");
        Assert.Contains(streams, s => s.GetString("Direction") == "Outbound");
        // Same participant, two streams (its client's and the server's): two rows, not one overwritten.
        Assert.Equal(2, streams.Count(s => s.GetString("ParticipantId") == "04cc26f5-a86d-481c-b9f9-7a40be4d6fba"));
    }

    [Fact]
    public async Task StreamWithRtt600_IsPoorForRoundTripTime()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([StoredRecords.Body(Stream("c-rtt", "Audio", new JsonObject { ["roundTripTimeAvg"] = "600", ["jitterAvg"] = "2", ["packetLossRateAvg"] = "0" }))]);

        var stream = await StoredRecords.SingleAsync(storage, Categories.CallDiagnostics);
        Assert.True(stream.GetBoolean("Poor"));
        Assert.Equal("round-trip time", stream.GetString("PoorReasons"));
        Assert.Equal(600d, stream.GetDouble("RoundTripTimeAvg"));
    }

    [Theory]
    [InlineData("Audio", "jitterAvg", "31", "jitter")]
    [InlineData("Audio", "jitterAvg", "30", null)]
    [InlineData("Audio", "packetLossRateAvg", "0.11", "packet loss")]
    [InlineData("Audio", "jitterBufferSizeAvg", "201", "jitter buffer")]
    [InlineData("Audio", "healedDataRatioAvg", "0.2", "healed data ratio")]
    [InlineData("Video", "healedDataRatioAvg", "0.2", null)]
    [InlineData("Video", "videoFrameRateAvg", "6", "frame rate")]
    [InlineData("VBSS", "videoFrameRateAvg", "6", null)]
    [InlineData("VBSS", "videoFrameRateAvg", "0.5", "frame rate")]
    [InlineData("Video", "recvResolutionHeight", "239", "resolution")]
    [InlineData("Video", "recvResolutionHeight", "720", null)]
    [InlineData("VBSS", "recvResolutionHeight", "720", "resolution")]
    [InlineData("Video", "recvFreezeDurationPerMinuteInMs", "6001", "freeze duration")]
    [InlineData("VBSS", "recvFreezeDurationPerMinuteInMs", "6001", null)]
    [InlineData("VBSS", "recvFreezeDurationPerMinuteInMs", "25001", "freeze duration")]
    public async Task PoorThresholds_PerMediaType(string mediaType, string metric, string value, string? reason)
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([StoredRecords.Body(Stream("c-threshold", mediaType, new JsonObject { [metric] = value }))]);

        var stream = await StoredRecords.SingleAsync(storage, Categories.CallDiagnostics);
        Assert.Equal(reason is not null, stream.GetBoolean("Poor"));
        Assert.Equal(reason, stream.GetString("PoorReasons"));
    }

    [Fact]
    public async Task Vbss_IsScreenSharing_AndSeveralReasonsListedInRuleOrder()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([StoredRecords.Body(Stream("c-vbss", "VBSS", new JsonObject
        {
            ["roundTripTimeAvg"] = 700,
            ["packetLossRateAvg"] = "0.5",
            ["videoFrameRateAvg"] = "0.2",
            ["recvResolutionHeight"] = "1080",
        }))]);

        var stream = await StoredRecords.SingleAsync(storage, Categories.CallDiagnostics);
        Assert.Equal("ScreenSharing", stream.GetString("MediaType"));
        Assert.True(stream.GetBoolean("Poor"));
        Assert.Equal("round-trip time, packet loss, frame rate", stream.GetString("PoorReasons"));
        Assert.Equal(1080d, stream.GetDouble("RecvResolutionHeight"));
    }

    [Fact]
    public async Task Metric_NotANumber_KeptRaw_AndNotJudged()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([StoredRecords.Body(Stream("c-nan", "Audio", new JsonObject { ["roundTripTimeAvg"] = "fast", ["jitterAvg"] = "45" }))]);

        var stream = await StoredRecords.SingleAsync(storage, Categories.CallDiagnostics);
        Assert.False(stream.ContainsKey("RoundTripTimeAvg"));
        Assert.Equal("fast", stream.GetString("RoundTripTimeAvgRaw"));
        Assert.Equal("jitter", stream.GetString("PoorReasons"));
    }

    internal static JsonObject Stream(string correlationId, string mediaType, JsonObject metrics, string category = "CallDiagnostics", string participantId = "p-1", string streamId = "1001")
    {
        var properties = new JsonObject
        {
            ["participantId"] = participantId,
            ["endpointId"] = "e-" + participantId,
            ["endpointType"] = "VoIP",
            ["mediaType"] = mediaType,
            ["streamId"] = streamId,
            ["transportType"] = "UDP",
        };
        foreach (var (name, value) in metrics)
        {
            properties[name] = value?.DeepClone();
        }

        return StoredRecords.Record(category, "CallDiagnostics", properties, correlationId);
    }
}
