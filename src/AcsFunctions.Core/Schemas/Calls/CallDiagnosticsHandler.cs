using AcsFunctions.Dispatch;
using AcsFunctions.Records;

namespace AcsFunctions.Schemas.Calls;

/// <summary>
/// CallDiagnostics and CallDiagnosticsUpdates: one record per media stream, stored in the call's partition under
/// <c>D|&lt;leg&gt;|&lt;mediaType&gt;|&lt;streamId&gt;|v&lt;version&gt;</c>. Enriched with the media type
/// (<c>VBSS</c> → ScreenSharing), the direction (Server endpoints describe the inbound stream), every quality
/// metric parsed, and the poor verdict with its reasons (<see cref="QualityThresholds"/>).
/// </summary>
public sealed class CallDiagnosticsHandler : IRecordHandler
{
    /// <summary>The metrics parsed as numbers (CallDiagnostics schema).</summary>
    public static IReadOnlyList<string> Metrics { get; } =
    [
        "RoundTripTimeAvg", "RoundTripTimeMax", "JitterAvg", "JitterMax", "PacketLossRateAvg", "PacketLossRateMax",
        "JitterBufferSizeAvg", "JitterBufferSizeMax", "HealedDataRatioAvg", "HealedDataRatioMax", "VideoFrameRateAvg",
        "RecvResolutionHeight", "RecvFreezeDurationPerMinuteInMs", "VideoBitRateAvg", "VideoBitRateMax", "PacketUtilization",
    ];

    /// <inheritdoc />
    public IReadOnlyCollection<string> Categories { get; } = [Dispatch.Categories.CallDiagnostics, Dispatch.Categories.CallDiagnosticsUpdates];

    /// <inheritdoc />
    public HandlerOutcome Handle(RecordContext context)
    {
        var r = context.Record;
        var leg = CallLeg.Read(context, context.Category == Dispatch.Categories.CallDiagnosticsUpdates);
        var columns = leg.AddTo(new ColumnSet(), r);
        var mediaType = MediaTypes.Normalize(r.GetString("mediaType").OrNull());
        var streamId = r.GetString("streamId").OrNull() ?? "unknown";

        var values = new Dictionary<string, double?>(StringComparer.Ordinal);
        foreach (var metric in Metrics)
        {
            var field = r.GetDouble(metric);
            values[metric] = field.OrNull();
            columns.Add(metric, field);
        }

        var reasons = QualityThresholds.PoorReasons(mediaType, m => values.GetValueOrDefault(m));
        columns
            .Add("OperationVersion", r.GetString("operationVersion"))
            .Add("MediaType", mediaType)
            .Add("StreamId", streamId)
            .Add("Direction", Direction(r.GetString("streamDirection").OrNull(), leg.EndpointType))
            .Add("TransportType", r.GetString("transportType"))
            .Add("CodecName", r.GetString("codecName"))
            .Add("Poor", reasons.Count > 0)
            .Add("PoorReasons", reasons.Count > 0 ? string.Join(", ", reasons) : null)
            .Add("CrossTenant", leg.Redacted);

        return new EnrichedRecord
        {
            Placement = RecordPlacement.Call,
            Columns = columns,
            CallRowKey = CallRowKeys.Diagnostics(leg.Id, mediaType, streamId, leg.Version),
        };
    }

    /// <summary>
    /// The stream direction: the record's own <c>streamDirection</c> when it says Inbound/Outbound, otherwise
    /// Inbound for Server endpoints (group calls) and Outbound for every other endpoint.
    /// </summary>
    public static string Direction(string? streamDirection, string endpointType)
    {
        if (string.Equals(streamDirection, "Inbound", StringComparison.OrdinalIgnoreCase))
        {
            return "Inbound";
        }

        if (string.Equals(streamDirection, "Outbound", StringComparison.OrdinalIgnoreCase))
        {
            return "Outbound";
        }

        return endpointType == EndpointTypes.Server ? "Inbound" : "Outbound";
    }
}
