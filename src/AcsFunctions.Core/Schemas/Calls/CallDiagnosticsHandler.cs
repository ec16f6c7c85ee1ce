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
    private static readonly string[] _metrics =
    [
        "RoundTripTimeAvg", "RoundTripTimeMax", "JitterAvg", "JitterMax", "PacketLossRateAvg", "PacketLossRateMax",
        "JitterBufferSizeAvg", "JitterBufferSizeMax", "HealedDataRatioAvg", "HealedDataRatioMax", "VideoFrameRateAvg",
        "RecvResolutionHeight", "RecvFreezeDurationPerMinuteInMs", "VideoBitRateAvg", "VideoBitRateMax", "PacketUtilization",
    ];

    /// <summary>The metrics parsed as numbers (CallDiagnostics schema).</summary>
    public static IReadOnlyList<string> Metrics => _metrics;

    /// <inheritdoc />
    public IReadOnlyCollection<string> Categories { get; } = [Dispatch.Categories.CallDiagnostics, Dispatch.Categories.CallDiagnosticsUpdates];

    /// <inheritdoc />
    public HandlerOutcome Handle(RecordContext context)
    {
        var r = context.Record;
        var leg = CallLeg.Read(context, context.Category == Dispatch.Categories.CallDiagnosticsUpdates);
        var columns = leg.AddTo(new ColumnSet(CallLeg.ColumnCount + _metrics.Length + 9), r);
        var mediaType = MediaTypes.Normalize(r.GetString("mediaType").OrNull());
        var streamId = r.GetString("streamId").OrNull() ?? "unknown";

        Span<double?> values = stackalloc double?[_metrics.Length];
        for (var i = 0; i < _metrics.Length; i++)
        {
            var field = r.GetDouble(_metrics[i]);
            values[i] = field.OrNull();
            columns.Add(_metrics[i], field);
        }

        var poorReasons = StreamVerdict.For(mediaType).PoorReasons(values);
        columns
            .Add("OperationVersion", r.GetString("operationVersion"))
            .Add("MediaType", mediaType)
            .Add("StreamId", streamId)
            .Add("Direction", Direction(r.GetString("streamDirection").OrNull(), leg.EndpointType))
            .Add("TransportType", r.GetString("transportType"))
            .Add("CodecName", r.GetString("codecName"))
            .Add("Poor", poorReasons is not null)
            .Add("PoorReasons", poorReasons)
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

    /// <summary>
    /// The quality verdict of one media type (<see cref="QualityThresholds.PoorReasons"/>) on the metric values in
    /// <see cref="Metrics"/> order: each rule knows its metric's position, and each combination of reasons is joined
    /// into text once (no dictionary, closure, list or joined string per stream).
    /// </summary>
    private sealed class StreamVerdict
    {
        private static readonly StreamVerdict _audio = new(MediaTypes.Audio);
        private static readonly StreamVerdict _video = new(MediaTypes.Video);
        private static readonly StreamVerdict _screenSharing = new(MediaTypes.ScreenSharing);
        private static readonly StreamVerdict _other = new(MediaTypes.Unknown);

        private readonly IReadOnlyList<QualityThreshold> _rules;
        private readonly int[] _metricOf;
        private readonly string?[] _texts;

        private StreamVerdict(string mediaType)
        {
            _rules = QualityThresholds.For(mediaType);
            _metricOf = [.. _rules.Select(rule => Array.IndexOf(_metrics, rule.Metric))];
            _texts = new string?[1 << _rules.Count];
        }

        public static StreamVerdict For(string mediaType) => mediaType switch
        {
            MediaTypes.Audio => _audio,
            MediaTypes.Video => _video,
            MediaTypes.ScreenSharing => _screenSharing,
            _ => _other,
        };

        /// <summary>The reasons the stream is poor joined by <c>", "</c>, in rule order; null when it is not poor.</summary>
        public string? PoorReasons(ReadOnlySpan<double?> values)
        {
            var poor = 0;
            for (var i = 0; i < _rules.Count; i++)
            {
                if (_rules[i].IsPoor(_metricOf[i] >= 0 ? values[_metricOf[i]] : null))
                {
                    poor |= 1 << i;
                }
            }

            if (poor == 0)
            {
                return null;
            }

            return _texts[poor] ??= string.Join(", ", _rules.Where((_, i) => (poor & (1 << i)) != 0).Select(rule => rule.Reason).Distinct());
        }
    }
}
