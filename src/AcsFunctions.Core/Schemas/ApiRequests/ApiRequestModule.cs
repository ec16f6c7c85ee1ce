using AcsFunctions.Dispatch;
using AcsFunctions.Queries;
using AcsFunctions.Rollups;

namespace AcsFunctions.Schemas.ApiRequests;

/// <summary>
/// The shared base of an API-request folder: its categories are request-like (the request columns, rolled up per
/// operation and status code into <c>AggApiRequests</c>, read by the <c>api-requests</c> query kind), sampled in
/// <c>samples/api-requests.json</c> and summarised by status class. A subclass lists its categories with
/// <see cref="Request"/> and may supply its own handler.
/// </summary>
public abstract class ApiRequestModule : CategoryModule
{
    /// <summary>The request columns every record of the family gets (when its sample has the fields behind them).</summary>
    public static IReadOnlyList<string> RequestColumns { get; } = ["ResultType", "ResultSignature", "StatusCode", "StatusClass", "Success", "Failed"];

    private IReadOnlyList<IWindowAggregator>? _aggregators;

    /// <inheritdoc />
    public override IReadOnlyList<IWindowAggregator> Aggregators =>
        _aggregators ??= [new ApiRequestWindowAggregator(Categories.Select(c => c.Name))];

    /// <inheritdoc />
    public override IReadOnlyList<Type> QueryKinds => [typeof(ApiRequestsQuery)];

    /// <inheritdoc />
    public override IReadOnlyList<string> SampleFiles => ["api-requests.json"];

    /// <inheritdoc />
    public override IReadOnlyList<string> SummaryColumns => ["StatusClass"];

    /// <summary>The handler of the base: request columns plus each category's copied fields.</summary>
    protected static ApiRequestHandler HandlerFor(IEnumerable<(CategorySpec Spec, string[] Extras)> categories) =>
        new(categories.ToDictionary(c => c.Spec.Name, c => c.Extras, StringComparer.OrdinalIgnoreCase));

    /// <summary>
    /// A request category: its documented fields (the envelope is implied), the fields the handler copies as columns
    /// (enriched columns too, except the <paramref name="unsampled"/> ones its sample does not carry) and its
    /// personal-field rules beyond the common ones.
    /// </summary>
    protected static (CategorySpec Spec, string[] Extras) Request(
        string name, string[] documented, string[] extras, string[]? unsampled = null, IReadOnlyDictionary<string, Privacy.FieldRule>? personal = null) =>
        (new CategorySpec
        {
            Name = name,
            DocumentedFields = documented,
            EnrichedColumns = [.. RequestColumns, .. extras.Except(unsampled ?? [], StringComparer.Ordinal)],
            PersonalFields = personal ?? new Dictionary<string, Privacy.FieldRule>(),
        }, extras);
}

/// <summary>
/// The API-request categories without a folder of their own: Auth, Chat, CallAutomation, CallRecording,
/// NetworkTraversal, Rooms and AdvancedMessaging (acs-data-contract §3.1–3.2, 3.7–3.8, 3.10, 3.20, 3.22); SMS and
/// JobRouter live in <c>Schemas/Sms</c> and <c>Schemas/JobRouter</c>.
/// </summary>
public sealed class ApiRequestsModule : ApiRequestModule
{
    private static readonly (CategorySpec Spec, string[] Extras)[] _categories =
    [
        Request(
            Dispatch.Categories.AuthOperational,
            ["Identity", "PlatformType", "Scopes", "SdkType", "URI"],
            ["SdkType", "PlatformType", "Uri"]),
        Request(
            Dispatch.Categories.ChatOperational,
            ["ChatMessageId", "ChatThreadId", "PlatformType", "SdkType", "URI", "UserId"],
            ["ChatThreadId", "ChatMessageId", "SdkType", "PlatformType", "Uri"]),
        Request(
            Dispatch.Categories.CallAutomationOperational,
            ["CallConnectionId", "OperationId", "SdkType", "SdkVersion", "ServerCallId", "SubOperationName", "URI", "ParticipantId"],
            ["CallConnectionId", "ServerCallId", "OperationId", "SubOperationName", "SdkType", "SdkVersion", "Uri"]),
        Request(
            Dispatch.Categories.CallRecordingOperational,
            ["CallConnectionId", "SdkType", "SdkVersion", "ServerCallId", "URI"],
            ["CallConnectionId", "ServerCallId", "SdkType", "SdkVersion", "Uri"]),
        Request(
            Dispatch.Categories.NetworkTraversalOperational,
            ["Identity", "PlatformType", "RouteType", "SdkType", "TTL", "URI"],
            ["RouteType", "Ttl", "SdkType", "PlatformType", "Uri"]),
        Request(
            Dispatch.Categories.RoomsOperational,
            [
                "AddedRoomParticipantsCount", "PstnDialOutEnabled", "RemovedRoomParticipantsCount", "RoomId", "RoomLifespan",
                "RoomParticipantsAttendee", "RoomParticipantsConsumer", "RoomParticipantsPresenter", "RoomParticipantsCount",
                "UpsertedRoomParticipantsCount",
            ],
            ["RoomId", "RoomLifespan", "AddedRoomParticipantsCount", "UpsertedRoomParticipantsCount", "RemovedRoomParticipantsCount", "PstnDialOutEnabled"],
            unsampled: ["UpsertedRoomParticipantsCount", "RemovedRoomParticipantsCount"]),
        Request(
            Dispatch.Categories.AdvancedMessagingOperational,
            ["ChannelId", "MessageStatus", "MessageType", "URI"],
            ["ChannelId", "MessageType", "MessageStatus", "Uri"]),
    ];

    /// <inheritdoc />
    public override IReadOnlyList<CategorySpec> Categories { get; } = [.. _categories.Select(c => c.Spec)];

    /// <inheritdoc />
    public override IRecordHandler Handler { get; } = HandlerFor(_categories);
}
