using AcsFunctions.Dispatch;
using AcsFunctions.Records;

namespace AcsFunctions.Schemas.CallClient;

/// <summary>
/// CallClientMediaStatsTimeSeries: one row per (client, stream, metric, aggregation interval) sample the Calling
/// SDK reports — <c>MetricName</c>, the aggregates <c>Count</c>/<c>Sum</c>/<c>Average</c>/<c>Minimum</c>/<c>Maximum</c>
/// (doubles), the stream (<c>MediaStreamType</c> normalised like CallDiagnostics' media type,
/// <c>MediaStreamDirection</c> as <c>Send</c>/<c>Recv</c>, codec), the call, participant and client ids.
/// </summary>
public sealed class CallClientMediaStatsHandler : IRecordHandler
{
    /// <inheritdoc />
    public IReadOnlyCollection<string> Categories { get; } = [Dispatch.Categories.CallClientMediaStatsTimeSeries];

    /// <inheritdoc />
    public HandlerOutcome Handle(RecordContext context)
    {
        var r = context.Record;
        var columns = new ColumnSet(10 + CallClientIds.Count)
            .Add("MetricName", r.GetString("MetricName"))
            .Add("Count", r.GetDouble("Count"))
            .Add("Sum", r.GetDouble("Sum"))
            .Add("Average", r.GetDouble("Average"))
            .Add("Minimum", r.GetDouble("Minimum"))
            .Add("Maximum", r.GetDouble("Maximum"))
            .Add("AggregationIntervalSeconds", r.GetDouble("AggregationIntervalSeconds"))
            .Add("MediaStreamType", r.GetString("MediaStreamType").OrNull() is { } type ? Calls.MediaTypes.Normalize(type) : null)
            .Add("MediaStreamDirection", Direction(r.GetString("MediaStreamDirection").OrNull()))
            .Add("MediaStreamCodec", r.GetString("MediaStreamCodec"));
        CallClientIds.Add(columns, r);
        return new EnrichedRecord { Placement = RecordPlacement.Window, Columns = columns };
    }

    /// <summary><c>send</c> → Send, <c>recv</c>/<c>receive</c> → Recv; other values keep their spelling.</summary>
    public static string? Direction(string? direction)
    {
        if (direction is null)
        {
            return null;
        }

        var trimmed = direction.Trim();
        return Calls.MediaTypes.UpperEquals(trimmed, "SEND") || Calls.MediaTypes.UpperEquals(trimmed, "OUTBOUND") ? "Send"
            : Calls.MediaTypes.UpperEquals(trimmed, "RECV") || Calls.MediaTypes.UpperEquals(trimmed, "RECEIVE") || Calls.MediaTypes.UpperEquals(trimmed, "INBOUND") ? "Recv"
            : trimmed;
    }
}
