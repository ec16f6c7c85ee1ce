using AcsFunctions.Dispatch;
using AcsFunctions.Schemas.ApiRequests;

namespace AcsFunctions.Schemas.Sms;

/// <summary>SMSOperational (acs-data-contract §3.3, §8.4): an API-request category with the delivery-report outcome of its own.</summary>
public sealed class SmsModule : ApiRequestModule
{
    /// <inheritdoc />
    public override IReadOnlyList<CategorySpec> Categories { get; } =
    [
        Request(
            Dispatch.Categories.SmsOperational,
            [
                "Country", "DeliveryAttempts", "IncomingMessageLength", "MessageId", "Method", "NumberType", "OutgoingMessageLength",
                "PhoneNumber", "PlatformType", "SdkType", "URI", "ErrorCode",
            ],
            ["MessageId", "NumberType", "Country", "SmsOutcome", "SmsErrorCode", "SmsErrorMeaning"]).Spec,
    ];

    /// <inheritdoc />
    public override IRecordHandler Handler { get; } = new SmsHandler();

    /// <inheritdoc />
    public override IReadOnlyList<string> SummaryColumns => ["StatusClass", "SmsOutcome"];
}
