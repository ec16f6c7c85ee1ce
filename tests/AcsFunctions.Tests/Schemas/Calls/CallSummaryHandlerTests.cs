using AcsFunctions.Dispatch;
using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Schemas.Calls;

[Collection(AzuriteCollection.Name)]
public sealed class CallSummaryHandlerTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task GroupCall_PstnSummary_HasEndpointTypePstnAndNoSdkVersion()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([Samples.Body("group-call.json")]);

        var summaries = await StoredRecords.OfCategoryAsync(storage, Categories.CallSummary);
        Assert.Equal(3, summaries.Count);
        var pstn = Assert.Single(summaries, s => s.GetString("EndpointType") == "PSTN");
        Assert.Equal("515650f7-8204-4079-ac9d-d8f4bf07b04c", pstn.GetString("ParticipantId"));
        Assert.False(pstn.ContainsKey("SdkVersion"));
        Assert.False(pstn.ContainsKey("SdkVersionRedacted"));
        Assert.False(pstn.ContainsKey("OsFamily"));
        Assert.False(pstn.ContainsKey("Identifier"));
        Assert.Equal("Group", pstn.GetString("CallType"));
        Assert.Equal(87d, pstn.GetDouble("CallDurationSeconds"));
        Assert.Equal(52d, pstn.GetDouble("ParticipantDurationSeconds"));
        Assert.Equal(new DateTimeOffset(2021, 7, 5, 6, 16, 40, 240, TimeSpan.Zero), pstn.GetDateTimeOffset("CallStartTime"));
        Assert.Equal(new DateTimeOffset(2021, 7, 5, 6, 17, 10, 447, TimeSpan.Zero), pstn.GetDateTimeOffset("ParticipantStartTime"));
        Assert.Equal(0, pstn.GetInt32("EndReasonCode"));
        Assert.Equal("Success", pstn.GetString("EndReasonClass"));
        Assert.Equal("Local participant ended the call normally", pstn.GetString("EndReasonMeaning"));
        Assert.False(pstn.GetBoolean("Dropped"));
        Assert.False(pstn.GetBoolean("CrossTenant"));
        Assert.Equal(0, pstn.GetInt32("CallUpdatesVersion"));
        Assert.Equal("S|515650f7-8204-4079-ac9d-d8f4bf07b04c|v000000", pstn.RowKey);
    }

    [Fact]
    public async Task GroupCall_VoipSummaries_OsFamilyFromFreeTextOsVersion()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([Samples.Body("group-call.json")]);

        var summaries = await StoredRecords.OfCategoryAsync(storage, Categories.CallSummary);
        var iphone = Assert.Single(summaries, s => s.GetString("ParticipantId") == "04cc26f5-a86d-481c-b9f9-7a40be4d6fba");
        var pixel = Assert.Single(summaries, s => s.GetString("ParticipantId") == "1a9cb3d1-7898-4063-b3d2-26c1630ecf03");
        Assert.Equal("VoIP", iphone.GetString("EndpointType"));
        Assert.Equal("iOS", iphone.GetString("OsFamily"));
        Assert.Equal("1.0.0.3", iphone.GetString("SdkVersion"));
        Assert.Equal("Android", pixel.GetString("OsFamily"));
    }

    [Fact]
    public async Task P2pCall_SummaryKeyedByEndpoint_WhenParticipantIdIsTheTextNull()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([Samples.Body("p2p-call-privatepreview.json")]);

        var summaries = await StoredRecords.OfCategoryAsync(storage, Categories.CallSummary);
        Assert.Equal(2, summaries.Count);
        Assert.All(summaries, s =>
        {
            Assert.False(s.ContainsKey("ParticipantId"));
            Assert.Equal("CallSummaryPRIVATEPREVIEW", s.GetString("CategoryRaw"));
            Assert.Equal("P2P", s.GetString("CallType"));
            Assert.StartsWith("S|" + s.GetString("EndpointId") + "|", s.RowKey, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task CrossTenantSummaries_RedactedFieldsFlagged_IdsTrimmed_EndpointTypesNormalised()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([Samples.Body("cross-tenant-summaries.json")]);

        var summaries = await StoredRecords.OfCategoryAsync(storage, Categories.CallSummary);
        Assert.Equal(3, summaries.Count);
        Assert.All(summaries, s =>
        {
            Assert.True(s.GetBoolean("CrossTenant"));
            Assert.True(s.GetBoolean("SdkVersionRedacted"));
            Assert.True(s.GetBoolean("OsVersionRedacted"));
            Assert.False(s.ContainsKey("SdkVersion"));
            Assert.False(s.ContainsKey("OsFamily"));
        });
        Assert.Contains(summaries, s => s.GetString("EndpointType") == "Bot");
        var pstn = Assert.Single(summaries, s => s.GetString("EndpointType") == "PSTN");
        Assert.Equal("b25cf111-73df-4e0a-a888-640000abe34d", pstn.GetString("ParticipantId"));
        Assert.Equal(960d, pstn.GetDouble("ParticipantDurationSeconds"));
    }

    [Theory]
    [InlineData("VOIP", "VoIP")]
    [InlineData("BOT", "Bot")]
    [InlineData("pstn", "PSTN")]
    [InlineData("null", "Unknown")]
    public async Task EndpointType_Normalised(string raw, string expected)
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([StoredRecords.Body(Summary("c-endpoint", new { participantId = "p1", endpointType = raw, participantEndReason = "0" }))]);

        Assert.Equal(expected, (await StoredRecords.SingleAsync(storage, Categories.CallSummary)).GetString("EndpointType"));
    }

    [Theory]
    [InlineData("410", "3101", null, "UnexpectedClientError", true, "Call dropped: unexpected client network problem")]
    [InlineData("0", "4521", null, "ExpectedError", false, "User disconnected abruptly (e.g. closed the browser tab)")]
    [InlineData("487", "0", null, "Success", false, "Caller cancelled the call")]
    [InlineData("503", "0", null, "UnexpectedServerError", true, "ACS infrastructure error")]
    [InlineData("410", "3101", "ExpectedError", "ExpectedError", true, "Call dropped: unexpected client network problem")]
    [InlineData("0", "0", "unexpectedServerError", "UnexpectedServerError", false, "Local participant ended the call normally")]
    public async Task EndReason_MeaningAndClass_ResultCategoryWinsOverCodeTable(
        string code, string subCode, string? resultCategory, string expectedClass, bool dropped, string meaning)
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([StoredRecords.Body(Summary("c-end", new
        {
            participantId = "p1",
            endpointType = "VoIP",
            participantEndReason = code,
            participantEndSubCode = subCode,
            resultCategory,
        }))]);

        var summary = await StoredRecords.SingleAsync(storage, Categories.CallSummary);
        Assert.Equal(int.Parse(code, System.Globalization.CultureInfo.InvariantCulture), summary.GetInt32("EndReasonCode"));
        Assert.Equal(int.Parse(subCode, System.Globalization.CultureInfo.InvariantCulture), summary.GetInt32("EndSubCode"));
        Assert.Equal(expectedClass, summary.GetString("EndReasonClass"));
        Assert.Equal(dropped, summary.GetBoolean("Dropped"));
        Assert.Equal(meaning, summary.GetString("EndReasonMeaning"));
    }

    [Fact]
    public async Task EndReason_NotANumber_KeptAsRaw()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([StoredRecords.Body(Summary("c-raw", new { participantId = "p1", participantEndReason = "boom" }))]);

        var summary = await StoredRecords.SingleAsync(storage, Categories.CallSummary);
        Assert.False(summary.ContainsKey("EndReasonCode"));
        Assert.False(summary.ContainsKey("EndReasonClass"));
        Assert.Equal("boom", summary.GetString("EndReasonCodeRaw"));
    }

    internal static System.Text.Json.Nodes.JsonObject Summary(string correlationId, object properties, string category = "CallSummary") =>
        StoredRecords.Record(category, "CallSummary", properties, correlationId);
}
