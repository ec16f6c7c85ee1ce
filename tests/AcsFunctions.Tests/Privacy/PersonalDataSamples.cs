using System.Text;
using System.Text.Json.Nodes;
using AcsFunctions.Decoding;

namespace AcsFunctions.Tests.Privacy;

/// <summary>
/// Records with a phone number, an e-mail address, an IPv4 and an IPv6 address and an ACS identity in every field
/// the privacy policy classifies — plus free text, URLs, JSON payloads, an unknown category, properties sent as a
/// JSON string, oversized records (gzip chunks and a blob) and units that are dead-lettered.
/// </summary>
internal static class PersonalDataSamples
{
    public const string Phone = "+14255550123";
    public const string Email = "jane.doe@contoso.com";
    public const string Ipv4 = "203.0.113.77";
    public const string Ipv6 = "2001:db8:85a3:8d3:1319:8a2e:370:7348";
    public const string Identity = "8:acs:11111111-2222-3333-4444-555555555555_00000021-aaaa-bbbb-cccc-0d00e5b6f7a8";
    public const string OtherIdentity = "8:acs:11111111-2222-3333-4444-555555555555_00000022-dddd-eeee-ffff-0d00e5b6f7a9";
    public const string CallId = "341acde7-8aa5-445b-a3da-2ddadca47d22";

    private const string ResourceId = "/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS-PRIVACY";

    /// <summary>Every raw value (and its most specific parts) that must never reach storage.</summary>
    public static IReadOnlyList<string> Needles { get; } =
    [
        Phone, "4255550123", "425 555 0123", Email, "jane.doe", Ipv4, Ipv6, "8a2e:370:7348", "1319:8a2e",
        Identity, "00000021-aaaa-bbbb-cccc-0d00e5b6f7a8", "00000022-dddd-eeee-ffff-0d00e5b6f7a9",
    ];

    /// <summary>All five kinds in one text.</summary>
    public static string Everything => $"contact {Phone} or +1 425 555 0123, mail {Email}, from {Ipv4} / {Ipv6}, user {Identity}";

    /// <summary>All five kinds in one URL (path and query).</summary>
    public static string Url => $"https://acs-privacy.communication.azure.com/identities/{Identity}/{Email}/{Ipv4}:issueAccessToken?to={Uri.EscapeDataString(Phone)}&ip={Ipv6}&mail={Uri.EscapeDataString(Email)}&api-version=2023-10-01";

    public static IReadOnlyList<EventBody> Bodies(int sequenceStart = 100)
    {
        var records = new JsonArray
        {
            Record("SMSOperational", "SMSMessagesSent", new JsonObject { ["PhoneNumber"] = Everything, ["URI"] = Url, ["Country"] = "US" }, callerIp: Everything, resultDescription: Everything),
            Record("SMSOperational", "SMSMessagesSent", new JsonObject { ["PhoneNumber"] = Phone, ["URI"] = Url }, callerIp: Ipv4),
            Record("SMSOperational", "SMSDeliveryReportsReceived", new JsonObject { ["PhoneNumber"] = Phone }, callerIp: Ipv6, resultDescription: $"ErrorCode: 4005. ErrorMessage: {Everything}"),
            Record("Usage", "Usage", new JsonObject { ["UserIdA"] = Everything, ["UserIdB"] = Everything, ["Quantity"] = 2.0, ["ParticipantId"] = "04cc26f5-a86d-481c-b9f9-7a40be4d6fba" }),
            Record("Usage", "Usage", new JsonObject { ["UserIdA"] = Identity, ["UserIdB"] = Phone, ["Quantity"] = 1.0 }),
            Record("EmailStatusUpdateOperational", "DeliveryStatusUpdate", new JsonObject { ["RecipientId"] = Everything, ["FailureMessage"] = Everything, ["FailureReason"] = Everything, ["DeliveryStatus"] = "Failed" }),
            Record("EmailStatusUpdateOperational", "DeliveryStatusUpdate", new JsonObject { ["RecipientId"] = Email, ["DeliveryStatus"] = "Delivered" }),
            Record("EmailUserEngagementOperational", "UserEngagementUpdate", new JsonObject { ["RecipientId"] = Everything, ["EngagementContext"] = Url, ["UserAgent"] = Everything, ["EngagementType"] = "Click" }),
            Record("EmailUserEngagementOperational", "UserEngagementUpdate", new JsonObject { ["RecipientId"] = Email, ["EngagementContext"] = Everything, ["UserAgent"] = "Mozilla/5.0" }),
            Record("CallSummary", "CallSummary", new JsonObject { ["identifier"] = Identity[2..], ["participantId"] = "04cc26f5-a86d-481c-b9f9-7a40be4d6fba", ["endpointId"] = "5ebd55df-ffff-ffff-89e6-4f3f0453b1a6", ["endpointType"] = "VoIP", ["DiagnosticOptions"] = Everything, ["callDebuggingInfo"] = new JsonObject { ["ip"] = Ipv4, ["who"] = Email } }, callerIp: Everything),
            Record("CallSummary", "CallSummary", new JsonObject { ["identifier"] = Everything, ["participantId"] = "14cc26f5-a86d-481c-b9f9-7a40be4d6fba", ["endpointType"] = "PSTN" }),
            Record("CallDiagnostics", "CallDiagnostics", new JsonObject { ["identifier"] = Identity[2..], ["participantId"] = "04cc26f5-a86d-481c-b9f9-7a40be4d6fba", ["mediaType"] = "Audio", ["streamId"] = "1000", ["roundTripTimeAvg"] = "103" }),
            Record("CallDiagnostics", "CallDiagnostics", new JsonObject { ["identifier"] = OtherIdentity[2..], ["participantId"] = "24cc26f5-a86d-481c-b9f9-7a40be4d6fba", ["mediaType"] = "Video", ["streamId"] = "2804" }),
            Record("AuthOperational", "CreateToken", new JsonObject { ["Identity"] = Everything, ["URI"] = Url, ["Scopes"] = new JsonArray("voip", "chat") }, identity: new JsonObject { ["claims"] = new JsonObject { ["upn"] = Email, ["ipaddr"] = Ipv4, ["phone"] = Phone } }),
            Record("ChatOperational", "SendChatMessage", new JsonObject { ["UserId"] = Everything, ["URI"] = Url, ["ChatThreadId"] = "19:abc@thread.v2" }, callerIp: Ipv4),
            Record("CallClientOperations", "Join", new JsonObject { ["UserAgent"] = Everything, ["OperationPayload"] = $"{{\"Remote\":\"{Ipv6}\",\"Who\":\"{Identity}\",\"Mail\":\"{Email}\",\"Tel\":\"{Phone}\",\"V4\":\"{Ipv4}\"}}", ["CallId"] = CallId }),
            Record("CallClientOperations", "CreateView", new JsonObject { ["UserAgent"] = "azure-communication-services/1.3.1", ["OperationPayload"] = new JsonObject { ["Nested"] = new JsonArray(Everything, 3) } }),
            Record("CallAutomationMediaSummary", "Play", new JsonObject { ["ResultMessage"] = Everything, ["ResultCode"] = 200 }),
            Record("ContosoFutureOperational", "Something", new JsonObject { ["Whatever"] = Everything, ["Deep"] = new JsonObject { ["List"] = new JsonArray(Email, Phone, Ipv4, Ipv6, Identity) } }, callerIp: Everything),
        };

        // properties sent as a JSON string
        var stringProperties = Record("Usage", "Usage", new JsonObject());
        stringProperties["properties"] = new JsonObject { ["UserIdA"] = Everything, ["UserIdB"] = Phone }.ToJsonString();
        records.Add(stringProperties);

        // Over 32 K characters: stored as gzip chunks.
        records.Add(Record("CallClientOperations", "Join", new JsonObject { ["UserAgent"] = Everything, ["OperationPayload"] = string.Concat(Enumerable.Repeat(Everything + " | ", 800)) }));

        // Over 1 MiB even compressed: stored in a blob.
        var random = new Random(7);
        var noise = new byte[1_300_000];
        random.NextBytes(noise);
        records.Add(Record("ChatOperational", "SendChatMessage", new JsonObject { ["UserId"] = Everything, ["Filler"] = Convert.ToBase64String(noise) }, callerIp: Ipv6));

        var bodies = new List<EventBody>
        {
            Body(new JsonObject { ["records"] = records }.ToJsonString(), sequenceStart),
        };

        // Dead letters: not JSON, no category, an invalid time (quoted in the detail).
        bodies.Add(Body($"{{\"records\": [ {{\"category\": \"SMSOperational\", \"PhoneNumber\": \"{Phone}\", broken {Email} {Ipv4} {Ipv6} {Identity}", sequenceStart + 1));
        var noCategory = Record("x", "x", new JsonObject { ["PhoneNumber"] = Everything });
        noCategory.Remove("category");
        var badTime = Record("SMSOperational", "SMSMessagesSent", new JsonObject { ["PhoneNumber"] = Everything });
        badTime["time"] = Everything;
        bodies.Add(Body(new JsonObject { ["records"] = new JsonArray(noCategory, badTime) }.ToJsonString(), sequenceStart + 2));
        return bodies;
    }

    /// <summary>Only the call records (for the join and key tests).</summary>
    public static EventBody CallBody() => Body(new JsonObject
    {
        ["records"] = new JsonArray(
            Record("CallSummary", "CallSummary", new JsonObject { ["identifier"] = Identity[2..], ["participantId"] = "04cc26f5-a86d-481c-b9f9-7a40be4d6fba" }),
            Record("CallDiagnostics", "CallDiagnostics", new JsonObject { ["identifier"] = Identity[2..], ["participantId"] = "04cc26f5-a86d-481c-b9f9-7a40be4d6fba", ["mediaType"] = "Audio", ["streamId"] = "1000" })),
    }.ToJsonString(), 1);

    private static EventBody Body(string json, long sequence) => new(Encoding.UTF8.GetBytes(json), new Lineage
    {
        PartitionId = "0",
        SequenceNumber = sequence,
        Offset = (sequence * 1000).ToString(System.Globalization.CultureInfo.InvariantCulture),
        EnqueuedTime = new DateTimeOffset(2025, 3, 4, 12, 0, 5, TimeSpan.Zero),
    });

    private static JsonObject Record(string category, string operation, JsonObject properties, string? callerIp = null, string? resultDescription = null, JsonNode? identity = null)
    {
        var record = new JsonObject
        {
            ["time"] = "2025-03-04T12:00:00.000Z",
            ["resourceId"] = ResourceId,
            ["category"] = category,
            ["operationName"] = operation,
            ["operationVersion"] = "1.0",
            ["correlationId"] = CallId,
            ["resultType"] = "Succeeded",
            ["resultSignature"] = 202,
        };
        if (callerIp is not null)
        {
            record["callerIpAddress"] = callerIp;
        }

        if (resultDescription is not null)
        {
            record["resultDescription"] = resultDescription;
        }

        if (identity is not null)
        {
            record["identity"] = identity;
        }

        record["properties"] = properties;
        return record;
    }
}
