using AcsFunctions.Dispatch;
using AcsFunctions.Privacy;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;

namespace AcsFunctions.Schemas.Email;

/// <summary>
/// The three email categories (acs-data-contract §3.4–3.6): delivery rolled up per sender domain, status, hard bounce
/// and SMTP code, engagement per type, both read by the <c>email</c> query kind.
/// </summary>
public sealed class EmailModule : CategoryModule
{
    /// <summary>Email delivery per sender domain, delivery status, hard bounce and SMTP code.</summary>
    public static KeyedCountAggregator Delivery { get; } = new(
        TableNames.AggEmailDelivery, Dispatch.Categories.EmailStatusUpdateOperational, ["SenderDomain", "DeliveryStatus", "IsHardBounce", "SmtpStatusCode"]);

    /// <summary>Email engagement per engagement type.</summary>
    public static KeyedCountAggregator Engagement { get; } = new(
        TableNames.AggEmailEngagement, Dispatch.Categories.EmailUserEngagementOperational, ["EngagementType"]);

    private static readonly FieldRule _freeText = PersonalFields.FreeText;

    /// <inheritdoc />
    public override IReadOnlyList<CategorySpec> Categories { get; } =
    [
        new()
        {
            Name = Dispatch.Categories.EmailSendMailOperational,
            DocumentedFields =
            [
                "AttachmentsCount", "BccRecipientsCount", "CcRecipientsCount", "Size", "ToRecipientsCount", "TrafficSource", "UniqueRecipientsCount",
            ],
            EnrichedColumns = ["MessageId", "Size", "ToRecipientsCount", "UniqueRecipientsCount", "TrafficSource"],
        },
        new()
        {
            Name = Dispatch.Categories.EmailStatusUpdateOperational,
            DocumentedFields =
            [
                "DeliveryStatus", "EnhancedSmtpStatusCode", "FailureMessage", "FailureReason", "IsHardBounce", "RecipientId", "SenderDomain",
                "SenderUsername", "SmtpStatusCode",
            ],
            EnrichedColumns = ["MessageId", "DeliveryStatus", "Delivered", "Interim", "IsHardBounce", "SenderDomain"],
            PersonalFields = new Dictionary<string, FieldRule>(StringComparer.OrdinalIgnoreCase)
            {
                ["FailureMessage"] = _freeText,
                ["FailureReason"] = _freeText,
            },
        },
        new()
        {
            Name = Dispatch.Categories.EmailUserEngagementOperational,
            DocumentedFields = ["EngagementContext", "EngagementType", "RecipientId", "UserAgent"],
            EnrichedColumns = ["MessageId", "EngagementType", "EngagementContext"],
            PersonalFields = new Dictionary<string, FieldRule>(StringComparer.OrdinalIgnoreCase)
            {
                ["EngagementContext"] = new(PersonalDataKind.Url, PrivacyAction.Mask), // the clicked URL
                ["UserAgent"] = _freeText,
            },
        },
    ];

    /// <inheritdoc />
    public override IRecordHandler Handler { get; } = new EmailHandler();

    /// <inheritdoc />
    public override IReadOnlyList<IWindowAggregator> Aggregators { get; } = [Delivery, Engagement];

    /// <inheritdoc />
    public override IReadOnlyList<Type> QueryKinds => [typeof(EmailQuery)];

    /// <inheritdoc />
    public override IReadOnlyList<string> SampleFiles => ["email.json"];

    /// <inheritdoc />
    public override IReadOnlyList<string> SummaryColumns => ["DeliveryStatus", "IsHardBounce", "EngagementType", "TrafficSource"];
}
