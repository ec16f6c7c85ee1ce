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
    private static readonly string[] _enriched = ["CallType", "CallStartTime", "EndReasonCode", "EndReasonClass", "OsFamily"];

    /// <inheritdoc />
    public override IReadOnlyList<CategorySpec> Categories { get; } =
    [
        CallLogFields.Spec(Dispatch.Categories.CallSummary, CallLogFields.Summary, _enriched),
        CallLogFields.Spec(Dispatch.Categories.CallSummaryUpdates, CallLogFields.Summary, _enriched),
    ];

    /// <inheritdoc />
    public override IRecordHandler Handler { get; } = new CallSummaryHandler();

    /// <inheritdoc />
    public override IReadOnlyList<string> SampleFiles => ["p2p-call.json", "group-call.json", "cross-tenant-summaries.json"];

    /// <inheritdoc />
    /// <remarks>A later version of a P2P summary (the samples have none): the data contract's §4.5 record as an update.</remarks>
    public override string? SampleJson =>
        """{"records":[{"time":"2021-07-19T19:46:50.188Z","resourceId":"SUBSCRIPTIONS/XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX/RESOURCEGROUPS/ACS-TEST-RG/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS-PROD-CCTS-TESTS","correlationId":"8d1a8374-344d-4502-b54b-ba2d6daaf0ae","operationName":"CallSummaryUpdates","operationVersion":"1.0","category":"CallSummaryUpdates","properties":{"identifier":"acs:61fddbe3-0003-4066-97bc-6aaf143bbb84_0000000b-4fee-66cf-ac00-343a0d003158","participantId":"0b1c9a5e-7f7e-4b0a-9d6c-3f4a2b1c0d9e","callStartTime":"2021-07-19T17:54:05.113Z","callDuration":6,"callType":"P2P","participantStartTime":"2021-07-19T17:54:06.758Z","participantDuration":"5","participantEndReason":"0","resultCategory":"Success","endpointId":"570ea078-74e9-4430-9c67-464ba1fa5859","endpointType":"VoIP","participantType":"ACS","sdkVersion":"1.0.1.0","osVersion":"Windows 10.0.17763 Arch: x64","callUpdatesVersion":2}}]}""";

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
    public override IReadOnlyList<string> SampleFiles => ["p2p-call.json", "group-call.json"];

    /// <inheritdoc />
    /// <remarks>A later version of a P2P audio stream, with packet loss over the threshold (the samples have neither).</remarks>
    public override string? SampleJson =>
        """{"records":[{"time":"2021-07-19T19:46:50.188Z","resourceId":"SUBSCRIPTIONS/XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX/RESOURCEGROUPS/ACS-TEST-RG/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS-PROD-CCTS-TESTS","correlationId":"8d1a8374-344d-4502-b54b-ba2d6daaf0ae","operationName":"CallDiagnosticsUpdates","operationVersion":"1.0","category":"CallDiagnosticsUpdates","properties":{"identifier":"acs:61fddbe3-0003-4066-97bc-6aaf143bbb84_0000000b-4fee-66cf-ac00-343a0d003158","endpointId":"570ea078-74e9-4430-9c67-464ba1fa5859","participantId":"0b1c9a5e-7f7e-4b0a-9d6c-3f4a2b1c0d9e","endpointType":"VoIP","mediaType":"Audio","streamId":"1000","transportType":"UDP","roundTripTimeAvg":"82","roundTripTimeMax":"88","jitterAvg":"1","jitterMax":"1","packetLossRateAvg":"0.2","packetLossRateMax":"0.3","callUpdatesVersion":2}}]}""";

    /// <inheritdoc />
    public override IReadOnlyList<string> SummaryColumns => ["EndpointType", "MediaType", "Direction", "Poor", "PoorReasons"];
}
