using System.Collections.Frozen;
using AcsFunctions.Dispatch;
using AcsFunctions.Records;

namespace AcsFunctions.Schemas.ApiRequests;

/// <summary>
/// The API-request family (Auth, Chat, SMS, CallAutomation, CallRecording, NetworkTraversal, JobRouter, Rooms,
/// AdvancedMessaging): the request columns (<see cref="ApiRequestColumns"/>), the SMS outcome of delivery reports,
/// and the few per-category fields an operator filters on (thread, room, queue, message status, …).
/// </summary>
public sealed class ApiRequestHandler : IRecordHandler
{
    private static readonly FrozenDictionary<string, string[]> _extras = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase)
    {
        [Dispatch.Categories.AuthOperational] = ["SdkType", "PlatformType", "Uri"],
        [Dispatch.Categories.ChatOperational] = ["ChatThreadId", "ChatMessageId", "SdkType", "PlatformType", "Uri"],
        [Dispatch.Categories.SmsOperational] = ["Method", "DeliveryAttempts", "OutgoingMessageLength", "IncomingMessageLength", "SdkType", "PlatformType", "Uri"],
        [Dispatch.Categories.CallAutomationOperational] = ["CallConnectionId", "ServerCallId", "OperationId", "SubOperationName", "SdkType", "SdkVersion", "Uri"],
        [Dispatch.Categories.CallRecordingOperational] = ["CallConnectionId", "ServerCallId", "SdkType", "SdkVersion", "Uri"],
        [Dispatch.Categories.NetworkTraversalOperational] = ["RouteType", "Ttl", "SdkType", "PlatformType", "Uri"],
        [Dispatch.Categories.JobRouterOperational] = ["EntityId", "EntityType", "SdkType", "SdkVersion", "Uri"],
        [Dispatch.Categories.RoomsOperational] = ["RoomId", "RoomLifespan", "AddedRoomParticipantsCount", "UpsertedRoomParticipantsCount", "RemovedRoomParticipantsCount", "PstnDialOutEnabled"],
        [Dispatch.Categories.AdvancedMessagingOperational] = ["ChannelId", "MessageType", "MessageStatus", "Uri"],
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <inheritdoc />
    public IReadOnlyCollection<string> Categories { get; } = [.. Dispatch.Categories.ApiRequestFamily];

    /// <inheritdoc />
    public HandlerOutcome Handle(RecordContext context)
    {
        var record = context.Record;
        var columns = new ColumnSet();
        var outcome = ApiRequestColumns.Add(columns, record);
        if (_extras.TryGetValue(context.Category, out var extras))
        {
            foreach (var name in extras)
            {
                columns.Add(name, record.GetString(name));
            }
        }

        if (context.Category == Dispatch.Categories.SmsOperational)
        {
            AddSms(columns, context, outcome);
        }

        return new EnrichedRecord { Placement = RecordPlacement.Window, Columns = columns };
    }

    private static void AddSms(ColumnSet columns, RecordContext context, RequestOutcome outcome)
    {
        var record = context.Record;
        columns
            .Add("MessageId", record.GetString("MessageId", "MessageID"))
            .Add("NumberType", record.GetString("NumberType"))
            .Add("Country", record.GetString("Country"));
        if (!SmsDeliveryReports.IsDeliveryReport(context.OperationName))
        {
            return;
        }

        var description = record.GetString("resultDescription").OrNull();
        var errorCode = SmsDeliveryReports.ParseErrorCode(description) ?? ErrorCodeProperty(record);
        var smsOutcome = SmsDeliveryReports.Outcome(errorCode, record.GetString("resultType").OrNull(), requestFailed: outcome.StatusCode is >= 400);
        columns.Add("SmsOutcome", smsOutcome);
        if (errorCode is { } code)
        {
            columns
                .Add("SmsErrorCode", code)
                .Add("SmsErrorMeaning", SmsErrorCodes.Meaning(code));
        }
    }

    private static int? ErrorCodeProperty(DiagnosticRecord record) =>
        record.GetInt64("ErrorCode").OrNull() is { } code and >= int.MinValue and <= int.MaxValue ? (int)code : null;
}
