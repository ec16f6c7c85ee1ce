using AcsFunctions.Dispatch;
using AcsFunctions.Privacy;

namespace AcsFunctions.Schemas.Calls;

/// <summary>
/// The call logs' shared declarations: the fields the data contract documents (§3.12, §3.13) and the app-defined
/// free text that is masked. Call logs are stored per call and rolled up per call by the roll-up's call stage
/// (<c>AggCalls</c>, <c>AggCallWindows</c>, <c>AggStreamQuality</c>), not by window aggregators.
/// </summary>
internal static class CallLogFields
{
    public static readonly string[] Leg =
    [
        "CorrelationId", "ParticipantId", "Identifier", "EndpointId", "EndpointType", "CallUpdatesVersion", "DiagnosticOptions",
        "CallDebuggingInfo", "TPE", "SdkVersion", "OsVersion",
    ];

    public static readonly string[] Summary =
    [
        .. Leg, "CallDuration", "CallStartTime", "CallType", "ParticipantDuration", "ParticipantEndReason", "ParticipantEndSubCode",
        "ParticipantStartTime", "ParticipantTenantId", "ParticipantType", "PstnParticipantCallType", "ResultCategory", "TeamsThreadId",
    ];

    public static readonly string[] Diagnostics =
    [
        .. Leg, "MediaType", "StreamId", "TransportType", "RoundTripTimeAvg", "RoundTripTimeMax", "JitterAvg", "JitterMax",
        "PacketLossRateAvg", "PacketLossRateMax", "JitterBufferSizeAvg", "JitterBufferSizeMax", "HealedDataRatioAvg", "HealedDataRatioMax",
        "VideoFrameRateAvg", "RecvResolutionHeight", "RecvFreezeDurationPerMinuteInMs", "VideoBitRateAvg", "VideoBitRateMax",
        "PacketUtilization", "StreamDirection", "CodecName",
    ];

    public static readonly IReadOnlyDictionary<string, FieldRule> Personal = new Dictionary<string, FieldRule>(StringComparer.OrdinalIgnoreCase)
    {
        ["DiagnosticOptions"] = PersonalFields.FreeText, // app-defined tags
        ["CallDebuggingInfo"] = PersonalFields.FreeText,
    };

    public static CategorySpec Spec(string name, string[] documented, string[] enriched) => new()
    {
        Name = name,
        DocumentedFields = documented,
        EnrichedColumns = ["ParticipantId", "EndpointId", "EndpointType", .. enriched],
        PersonalFields = Personal,
    };
}

/// <summary>CallSummary and CallSummaryUpdates (one record per participant, stored in the call's partition).</summary>
public sealed class CallSummaryModule : CategoryModule
{
    private static readonly string[] _enriched = ["CallType", "CallStartTime", "EndReasonCode", "EndReasonClass", "OsFamily", "ParticipantType"];

    /// <inheritdoc />
    public override IReadOnlyList<CategorySpec> Categories { get; } =
    [
        CallLogFields.Spec(Dispatch.Categories.CallSummary, CallLogFields.Summary, _enriched),
        CallLogFields.Spec(Dispatch.Categories.CallSummaryUpdates, CallLogFields.Summary, _enriched),
    ];

    /// <inheritdoc />
    public override IRecordHandler Handler { get; } = new CallSummaryHandler();

    /// <inheritdoc />
    public override string? SampleFile => "p2p-call.json";

    /// <inheritdoc />
    public override IReadOnlyList<string> SummaryColumns => ["EndpointType", "EndReasonClass", "OsFamily"];
}

/// <summary>CallDiagnostics and CallDiagnosticsUpdates (one record per stream, stored in the call's partition).</summary>
public sealed class CallDiagnosticsModule : CategoryModule
{
    private static readonly string[] _enriched = ["MediaType", "StreamId", "Direction", "TransportType", "Poor"];

    /// <inheritdoc />
    public override IReadOnlyList<CategorySpec> Categories { get; } =
    [
        CallLogFields.Spec(Dispatch.Categories.CallDiagnostics, CallLogFields.Diagnostics, _enriched),
        CallLogFields.Spec(Dispatch.Categories.CallDiagnosticsUpdates, CallLogFields.Diagnostics, _enriched),
    ];

    /// <inheritdoc />
    public override IRecordHandler Handler { get; } = new CallDiagnosticsHandler();

    /// <inheritdoc />
    public override string? SampleFile => "p2p-call.json";

    /// <inheritdoc />
    public override IReadOnlyList<string> SummaryColumns => ["EndpointType", "MediaType", "Direction", "Poor", "PoorReasons"];
}
