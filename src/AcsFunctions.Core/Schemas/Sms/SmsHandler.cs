using AcsFunctions.Dispatch;
using AcsFunctions.Records;
using AcsFunctions.Schemas.ApiRequests;

namespace AcsFunctions.Schemas.Sms;

/// <summary>
/// SMSOperational: the request columns and copied fields of the API-request base, the message id, number type and
/// country, and for delivery reports the SMS outcome (<c>SmsOutcome</c>: Delivered / Failed / Blocked / Unknown) with
/// the error code and its documented meaning (<see cref="SmsDeliveryReports"/>, <see cref="SmsErrorCodes"/>).
/// </summary>
public sealed class SmsHandler() : ApiRequestHandler(new Dictionary<string, string[]>
{
    [Dispatch.Categories.SmsOperational] = ["Method", "DeliveryAttempts", "OutgoingMessageLength", "IncomingMessageLength", "SdkType", "PlatformType", "Uri"],
})
{
    /// <inheritdoc />
    protected override int EnrichedColumns => 6;

    /// <inheritdoc />
    protected override void Enrich(ColumnSet columns, RecordContext context, RequestOutcome outcome)
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
