using System.Text.Json.Nodes;
using AcsFunctions.Dispatch;
using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Schemas.ApiRequests;

[Collection(AzuriteCollection.Name)]
public sealed class ApiRequestHandlerTests(AzuriteFixture azurite)
{
    public static TheoryData<string, string, string, string> EveryApiCategory => new()
    {
        // category, operation, resultSignature as sent, extra property checked
        { Categories.AuthOperational, "CreateToken", "201", "SdkType" },
        { Categories.ChatOperational, "SendChatMessage", "201", "ChatThreadId" },
        { Categories.SmsOperational, "SMSMessagesSent", "202", "NumberType" },
        { Categories.CallAutomationOperational, "Play", "202", "CallConnectionId" },
        { Categories.CallRecordingOperational, "ResumeCallRecording", "202", "ServerCallId" },
        { Categories.NetworkTraversalOperational, "IssueRelayConfiguration", "200", "RouteType" },
        { Categories.JobRouterOperational, "DeleteQueue", "204", "EntityType" },
        { Categories.RoomsOperational, "CreateRoom", "201", "RoomId" },
        { Categories.AdvancedMessagingOperational, "SendMessage", "202", "ChannelId" },
    };

    [Theory]
    [MemberData(nameof(EveryApiCategory))]
    public async Task EveryApiCategory_StoredTyped_WithRequestColumns(string category, string operation, string status, string extra)
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var record = Request(category, operation, status, "Succeeded", durationMs: "73.3857");
        record["properties"]![extra] = "x-" + extra;

        var result = await storage.Pipeline.IngestAsync([StoredRecords.Body(record)]);

        Assert.Equal(1, result.Stored);
        Assert.Equal(0, result.Unclassified);
        var row = await StoredRecords.SingleAsync(storage, category);
        Assert.Equal(operation, row.GetString("OperationName"));
        Assert.Equal(status, row.GetString("StatusCode"));
        Assert.Equal("2xx", row.GetString("StatusClass"));
        Assert.True(row.GetBoolean("Success"));
        Assert.False(row.GetBoolean("Failed"));
        Assert.Equal(73.3857, row.GetDouble("DurationMs"));
        Assert.Equal("Informational", row.GetString("Level"));
        Assert.Equal("2024-03-07", row.GetString("OperationVersion"));
        Assert.Equal("x-" + extra, row.GetString(extra));
    }

    [Theory]
    [InlineData("404", null, "404", "4xx", false, true)]
    [InlineData("429", null, "429", "429", false, true)]
    [InlineData("503", "Failed", "503", "5xx", false, true)]
    [InlineData("200", "Failed", "200", "2xx", false, true)]
    [InlineData("202.0", "Succeeded", "202", "2xx", true, false)]
    [InlineData("Bad Route", "Failed", "Bad Route", "unknown", false, true)]
    [InlineData(null, "Succeeded", null, "unknown", true, false)]
    public async Task StatusClassification(string? signature, string? resultType, string? statusCode, string statusClass, bool success, bool failed)
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([StoredRecords.Body(Request(Categories.ChatOperational, "GetChatThread", signature, resultType))]);

        var row = await StoredRecords.SingleAsync(storage, Categories.ChatOperational);
        Assert.Equal(statusCode, row.GetString("StatusCode"));
        Assert.Equal(statusClass, row.GetString("StatusClass"));
        Assert.Equal(success, row.GetBoolean("Success"));
        Assert.Equal(failed, row.GetBoolean("Failed"));
    }

    [Fact]
    public async Task ResultSignature_AsJsonNumber_IsStoredAsStatusText()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var record = Request(Categories.CallAutomationOperational, "CreateCall", null, "Succeeded");
        record["resultSignature"] = 202;
        await storage.Pipeline.IngestAsync([StoredRecords.Body(record)]);

        var row = await StoredRecords.SingleAsync(storage, Categories.CallAutomationOperational);
        Assert.Equal("202", row.GetString("StatusCode"));
        Assert.Equal("2xx", row.GetString("StatusClass"));
    }

    [Theory]
    [InlineData("ErrorCode: 4005. ErrorMessage: Message is blocked by destination carrier", "Failed", "Blocked", 4005)]
    [InlineData("ErrorCode: 4010. ErrorMessage: Toll-free number not verified", "Failed", "Blocked", 4010)]
    [InlineData("ErrorCode: 4004. ErrorMessage: Destination number doesn't exist", "Failed", "Failed", 4004)]
    [InlineData("ErrorCode: 2000. ErrorMessage: Delivered", "Succeeded", "Delivered", 2000)]
    [InlineData("Delivered", "Succeeded", "Delivered", null)]
    [InlineData(null, "Failed", "Failed", null)]
    public async Task SmsDeliveryReport_Outcome(string? description, string resultType, string outcome, int? errorCode)
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var record = Request(Categories.SmsOperational, "SMSDeliveryReportsReceived", "200", resultType);
        record["resultDescription"] = description;
        record["properties"]!["MessageId"] = "ff00e5c9-876d-4958-86e3-4637484fe5bd";
        record["properties"]!["Country"] = "US";
        await storage.Pipeline.IngestAsync([StoredRecords.Body(record)]);

        var row = await StoredRecords.SingleAsync(storage, Categories.SmsOperational);
        Assert.Equal(outcome, row.GetString("SmsOutcome"));
        Assert.Equal(errorCode, row.GetInt32("SmsErrorCode"));
        Assert.Equal("ff00e5c9-876d-4958-86e3-4637484fe5bd", row.GetString("MessageId"));
        Assert.Equal("US", row.GetString("Country"));
        Assert.Equal("LongCodeNumber", row.GetString("NumberType"));
    }

    [Fact]
    public async Task SmsSend_HasNoOutcome_OnlyDeliveryReportsDo()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([StoredRecords.Body(Request(Categories.SmsOperational, "SMSMessagesSent", "202", "Succeeded"))]);

        var row = await StoredRecords.SingleAsync(storage, Categories.SmsOperational);
        Assert.False(row.ContainsKey("SmsOutcome"));
        Assert.True(row.GetBoolean("Success"));
    }

    [Fact]
    public async Task SmsDeliveryReport_ErrorCodeAsProperty_BlockedToo()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var record = Request(Categories.SmsOperational, "SMSDeliveryReportsReceived", "200", "Failed");
        record["properties"]!["ErrorCode"] = "4010";
        await storage.Pipeline.IngestAsync([StoredRecords.Body(record)]);

        var row = await StoredRecords.SingleAsync(storage, Categories.SmsOperational);
        Assert.Equal("Blocked", row.GetString("SmsOutcome"));
        Assert.Equal("Toll-free number not verified", row.GetString("SmsErrorMeaning"));
    }

    internal static JsonObject Request(string category, string operation, string? resultSignature, string? resultType, string durationMs = "48")
    {
        var properties = new JsonObject { ["URI"] = "https://acs-handler-tests.communication.azure.com/x?api-version=2024-03-07" };
        if (category == Categories.SmsOperational)
        {
            properties["NumberType"] = "LongCodeNumber";
            properties["Method"] = "POST";
        }

        var record = StoredRecords.Record(category, operation, properties, correlationId: "corr-" + operation);
        record["operationVersion"] = "2024-03-07";
        record["resultType"] = resultType;
        record["resultSignature"] = resultSignature;
        record["durationMs"] = durationMs;
        record["callerIpAddress"] = "203.0.113.24";
        record["level"] = "Informational";
        return record;
    }
}
