using AcsFunctions.Dispatch;

namespace AcsFunctions.Generation;

/// <summary>
/// The API-request categories with their real operation names (acs-data-contract §3, §5.2), success codes,
/// api-versions and typical latencies.
/// </summary>
internal static class ApiCatalog
{
    public static IReadOnlyList<ApiCategory> All { get; } =
    [
        new(Categories.ChatOperational, 30, ["2024-03-07", "2023-11-07", "2021-09-07"],
        [
            new("SendChatMessage", 10, 201, 48, "chat/threads/{thread}/messages"),
            new("GetChatMessage", 4, 200, 30, "chat/threads/{thread}/messages/{id}"),
            new("ListChatMessages", 8, 200, 62, "chat/threads/{thread}/messages"),
            new("UpdateChatMessage", 1, 204, 45, "chat/threads/{thread}/messages/{id}"),
            new("DeleteChatMessage", 1, 204, 40, "chat/threads/{thread}/messages/{id}"),
            new("GetChatThread", 3, 200, 28, "chat/threads/{thread}"),
            new("ListChatThreads", 2, 200, 75, "chat/threads"),
            new("UpdateChatThread", 0.5, 204, 44, "chat/threads/{thread}"),
            new("CreateChatThread", 2, 201, 95, "chat/threads"),
            new("DeleteChatThread", 0.5, 204, 60, "chat/threads/{thread}"),
            new("GetReadReceipts", 2, 200, 35, "chat/threads/{thread}/readReceipts"),
            new("SendReadReceipt", 4, 200, 30, "chat/threads/{thread}/readReceipts"),
            new("SendTypingIndicator", 5, 200, 22, "chat/threads/{thread}/typing"),
            new("ListChatThreadParticipants", 2, 200, 40, "chat/threads/{thread}/participants"),
            new("AddChatThreadParticipants", 1, 201, 70, "chat/threads/{thread}/participants/:add"),
            new("RemoveChatThreadParticipant", 0.5, 204, 55, "chat/threads/{thread}/participants/:remove"),
        ],
        ["azsdk-net-Communication.Chat", "azsdk-js-communication-chat", "azsdk-java-azure-communication-chat", "azsdk-python-communication-chat"]),

        new(Categories.AuthOperational, 18, ["2023-10-01", "2022-10-01", "2021-03-07"],
        [
            new("CreateIdentity", 3, 201, 40, "identities"),
            new("CreateToken", 6, 201, 35, "identities/{id}/:issueAccessToken"),
            new("DeleteIdentity", 1, 204, 45, "identities/{id}"),
            new("RevokeToken", 1, 204, 38, "identities/{id}/:revokeAccessTokens"),
            new("ExchangeTeamsUserAccessToken", 1, 200, 120, "teamsUser/:exchangeAccessToken"),
        ],
        ["azsdk-net-Communication.Identity", "azsdk-js-communication-identity", "azsdk-java-azure-communication-identity"]),

        new(Categories.SmsOperational, 12, ["2021-03-07", "2024-12-10-preview"],
        [
            new("SMSMessagesSent", 1, 202, 130, "sms"),
        ],
        ["azsdk-net-Communication.Sms", "azsdk-js-communication-sms", "azsdk-python-communication-sms"]),

        new(Categories.CallAutomationOperational, 12, ["2023-10-15", "2024-09-15", "2023-03-06"],
        [
            new("CreateCall", 2, 201, 180, "calling/callConnections"),
            new("AnswerCall", 3, 200, 150, "calling/callConnections:answer"),
            new("RedirectCall", 0.3, 204, 120, "calling/callConnections:redirect"),
            new("RejectCall", 0.3, 204, 90, "calling/callConnections:reject"),
            new("TransferCallToParticipant", 0.6, 202, 110, "calling/callConnections/{id}/:transferToParticipant"),
            new("Play", 4, 202, 82, "calling/callConnections/{id}/:play"),
            new("Recognize", 2, 202, 95, "calling/callConnections/{id}/:recognize"),
            new("AddParticipant", 1, 202, 140, "calling/callConnections/{id}/participants:add"),
            new("RemoveParticipant", 0.5, 202, 100, "calling/callConnections/{id}/participants:remove"),
            new("HangUpCall", 1.5, 204, 70, "calling/callConnections/{id}"),
            new("TerminateCall", 0.5, 204, 75, "calling/callConnections/{id}:terminate"),
            new("GetCall", 1, 200, 40, "calling/callConnections/{id}"),
            new("GetParticipant", 0.6, 200, 38, "calling/callConnections/{id}/participants/{p}"),
            new("GetParticipants", 0.6, 200, 45, "calling/callConnections/{id}/participants"),
            new("CancelAllMediaOperations", 0.4, 202, 60, "calling/callConnections/{id}:cancelAllMediaOperations"),
        ],
        ["dotnet", "java", "js", "python"])
        { NumericSignature = true },

        new(Categories.CallRecordingOperational, 4, ["2023-10-15", "2023-03-06"],
        [
            new("StartRecording", 3, 200, 160, "calling/recordings"),
            new("StopRecording", 2.5, 204, 90, "calling/recordings/{id}"),
            new("PauseRecording", 0.5, 202, 80, "calling/recordings/{id}:pause"),
            new("ResumeCallRecording", 0.5, 202, 85, "calling/recordings/{id}:resume"),
            new("GetRecordingState", 1, 200, 35, "calling/recordings/{id}"),
        ],
        ["dotnet", "java", "js"])
        { NumericSignature = true },

        new(Categories.JobRouterOperational, 8, ["2023-11-01", "2022-07-18-preview"],
        [
            new("UpsertJob", 4, 201, 65, "routing/jobs/{id}"),
            new("GetJob", 3, 200, 25, "routing/jobs/{id}"),
            new("ListJobs", 1, 200, 70, "routing/jobs"),
            new("DeleteJob", 0.5, 204, 40, "routing/jobs/{id}"),
            new("CancelJob", 0.5, 200, 45, "routing/jobs/{id}:cancel"),
            new("CompleteJob", 2, 200, 50, "routing/jobs/{id}/assignments/{a}:complete"),
            new("CloseJob", 2, 200, 48, "routing/jobs/{id}/assignments/{a}:close"),
            new("ReclassifyJob", 0.3, 200, 55, "routing/jobs/{id}:reclassify"),
            new("AcceptJobOffer", 2, 200, 60, "routing/workers/{w}/offers/{o}:accept"),
            new("DeclineJobOffer", 0.5, 200, 50, "routing/workers/{w}/offers/{o}:decline"),
            new("UpsertWorker", 1, 200, 55, "routing/workers/{id}"),
            new("GetWorker", 1, 200, 22, "routing/workers/{id}"),
            new("ListWorkers", 0.5, 200, 80, "routing/workers"),
            new("DeleteWorker", 0.2, 204, 40, "routing/workers/{id}"),
            new("UpsertQueue", 0.2, 200, 50, "routing/queues/{id}"),
            new("GetQueue", 0.5, 200, 20, "routing/queues/{id}"),
            new("GetQueueStatistics", 0.5, 200, 35, "routing/queues/{id}/statistics"),
            new("DeleteQueue", 0.1, 204, 73, "routing/queues/{id}"),
            new("UpsertDistributionPolicy", 0.1, 200, 45, "routing/distributionPolicies/{id}"),
            new("UpsertClassificationPolicy", 0.1, 200, 45, "routing/classificationPolicies/{id}"),
            new("UpsertExceptionPolicy", 0.1, 200, 45, "routing/exceptionPolicies/{id}"),
        ],
        ["dotnet", "java", "js", "python"])
        { FractionalDuration = true },

        new(Categories.RoomsOperational, 7, ["2023-06-14", "2024-04-15"],
        [
            new("CreateRoom", 3, 201, 60, "rooms"),
            new("GetRoom", 3, 200, 25, "rooms/{id}"),
            new("PatchRoom", 1, 200, 45, "rooms/{id}"),
            new("ListRooms", 0.5, 200, 70, "rooms"),
            new("DeleteRoom", 1, 204, 40, "rooms/{id}"),
            new("UpdateParticipants", 2, 200, 50, "rooms/{id}/participants"),
            new("GetParticipants", 1.5, 200, 30, "rooms/{id}/participants"),
            new("RemoveParticipants", 0.5, 200, 45, "rooms/{id}/participants"),
        ],
        ["azsdk-net-Communication.Rooms", "azsdk-js-communication-rooms"])
        { HasDuration = false },

        new(Categories.AdvancedMessagingOperational, 7, ["2024-02-01", "2025-01-15"],
        [
            new("SendMessage", 6, 202, 140, "messages/notifications:send"),
            new("SendMessageDeliveryStatus", 4, 200, 30, "messages/notifications/deliveryStatus"),
            new("ReceiveMessage", 2, 200, 35, "messages/notifications:receive"),
            new("DownloadMedia", 0.5, 200, 260, "messages/streams/{id}"),
            new("ListTemplates", 0.3, 200, 90, "messages/channels/{id}/templates"),
        ],
        ["azsdk-net-Communication.Messages", "azsdk-js-communication-messages"]),

        new(Categories.NetworkTraversalOperational, 2, ["2022-03-01-preview"],
        [
            new("IssueRelayConfiguration", 1, 200, 28, "networktraversal/:issueRelayConfiguration"),
        ],
        ["azsdk-net-Communication.NetworkTraversal", "azsdk-js-communication-network-traversal"]),
    ];

    /// <summary>Categories with their weights, for weighted picks.</summary>
    public static IReadOnlyList<(ApiCategory Item, double Weight)> Weighted { get; } = All.Select(c => (c, c.Weight)).ToArray();

    /// <summary>Client errors with their weights.</summary>
    public static IReadOnlyList<(int Item, double Weight)> ClientErrors { get; } = [(400, 40), (401, 10), (403, 15), (404, 30), (409, 5)];

    /// <summary>Server errors with their weights.</summary>
    public static IReadOnlyList<(int Item, double Weight)> ServerErrors { get; } = [(500, 50), (502, 10), (503, 30), (504, 10)];

    /// <summary>The reason phrase of an HTTP status (what <c>resultDescription</c> holds when it is set).</summary>
    public static string ReasonPhrase(int status) => status switch
    {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    };
}
