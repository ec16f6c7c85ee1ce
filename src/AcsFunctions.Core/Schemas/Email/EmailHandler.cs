using AcsFunctions.Dispatch;
using AcsFunctions.Records;

namespace AcsFunctions.Schemas.Email;

/// <summary>
/// The email categories; all three share <c>correlationId</c> = the message id (stored as <c>MessageId</c>):
/// <list type="bullet">
/// <item>EmailSendMailOperational: <c>Size</c> (MB), recipient counts, <c>AttachmentsCount</c>, <c>TrafficSource</c>.</item>
/// <item>EmailStatusUpdateOperational: <c>DeliveryStatus</c> (normalised, <see cref="DeliveryStatuses"/>),
/// <c>Delivered</c>, <c>Interim</c> (OutForDelivery), <c>IsHardBounce</c>, <c>SmtpStatusCode</c>,
/// <c>EnhancedSmtpStatusCode</c>, <c>FailureReason</c>, <c>FailureMessage</c>, <c>SenderDomain</c> (lower case),
/// <c>SenderUsername</c>, <c>RecipientId</c>.</item>
/// <item>EmailUserEngagementOperational: <c>EngagementType</c> (<c>View</c>/<c>Click</c>), <c>EngagementContext</c>,
/// <c>RecipientId</c>, <c>UserAgent</c>.</item>
/// </list>
/// </summary>
public sealed class EmailHandler : IRecordHandler
{
    /// <inheritdoc />
    public IReadOnlyCollection<string> Categories { get; } =
    [
        Dispatch.Categories.EmailSendMailOperational, Dispatch.Categories.EmailStatusUpdateOperational,
        Dispatch.Categories.EmailUserEngagementOperational,
    ];

    /// <inheritdoc />
    public HandlerOutcome Handle(RecordContext context)
    {
        var r = context.Record;
        var columns = new ColumnSet(15)
            .Add("MessageId", context.CorrelationId)
            .Add("OperationVersion", r.GetString("operationVersion"))
            .Add("Location", r.GetString("location"));
        switch (context.Category)
        {
            case Dispatch.Categories.EmailSendMailOperational:
                AddSendMail(columns, r);
                break;
            case Dispatch.Categories.EmailStatusUpdateOperational:
                AddStatusUpdate(columns, r);
                break;
            default:
                AddEngagement(columns, r);
                break;
        }

        return new EnrichedRecord { Placement = RecordPlacement.Window, Columns = columns };
    }

    private static void AddSendMail(ColumnSet columns, DiagnosticRecord r) => columns
        .Add("Size", r.GetDouble("Size"))
        .Add("ToRecipientsCount", r.GetInt64("ToRecipientsCount"))
        .Add("CcRecipientsCount", r.GetInt64("CcRecipientsCount"))
        .Add("BccRecipientsCount", r.GetInt64("BccRecipientsCount"))
        .Add("UniqueRecipientsCount", r.GetInt64("UniqueRecipientsCount"))
        .Add("AttachmentsCount", r.GetInt64("AttachmentsCount"))
        .Add("TrafficSource", r.GetString("TrafficSource"));

    private static void AddStatusUpdate(ColumnSet columns, DiagnosticRecord r)
    {
        var status = DeliveryStatuses.Normalize(r.GetString("DeliveryStatus").OrNull());
        var sender = r.GetString("SenderDomain");
        columns
            .Add("DeliveryStatus", status)
            .Add("Delivered", status is null ? null : status == DeliveryStatuses.Delivered)
            .Add("Interim", status is null ? null : status == DeliveryStatuses.OutForDelivery)
            .Add("IsHardBounce", r.GetBoolean("IsHardBounce"))
            .Add("SmtpStatusCode", r.GetString("SmtpStatusCode"))
            .Add("EnhancedSmtpStatusCode", r.GetString("EnhancedSmtpStatusCode"))
            .Add("FailureReason", r.GetString("FailureReason"))
            .Add("FailureMessage", r.GetString("FailureMessage"))
            .Add("SenderDomain", sender.OrNull()?.Trim().ToLowerInvariant())
            .Add("SenderUsername", r.GetString("SenderUsername"))
            .Add("RecipientId", r.GetString("RecipientId"));
        if (sender.IsRedacted)
        {
            columns.Add("SenderDomainRedacted", true);
        }
    }

    private static void AddEngagement(ColumnSet columns, DiagnosticRecord r) => columns
        .Add("EngagementType", EngagementTypes.Normalize(r.GetString("EngagementType").OrNull()))
        .Add("EngagementContext", r.GetString("EngagementContext"))
        .Add("RecipientId", r.GetString("RecipientId"))
        .Add("UserAgent", r.GetString("UserAgent"));
}
