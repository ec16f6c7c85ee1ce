using AcsFunctions.Dispatch;

namespace AcsFunctions.Schemas.PlatformMetrics;

/// <summary>
/// Platform-metric records (<c>metricName</c> + <c>timeGrain</c>, no <c>category</c>) that arrive when the
/// diagnostic setting also streams <c>AllMetrics</c>: kept with their values for reconciliation.
/// </summary>
public sealed class PlatformMetricHandler : IRecordHandler
{
    /// <inheritdoc />
    public IReadOnlyCollection<string> Categories { get; } = [Dispatch.Categories.PlatformMetric];

    /// <inheritdoc />
    public HandlerOutcome Handle(RecordContext context)
    {
        var r = context.Record;
        var columns = new ColumnSet(7)
            .Add("MetricName", r.GetString("metricName"))
            .Add("TimeGrain", r.GetString("timeGrain"))
            .Add("Count", r.GetDouble("count"))
            .Add("Total", r.GetDouble("total"))
            .Add("Minimum", r.GetDouble("minimum"))
            .Add("Maximum", r.GetDouble("maximum"))
            .Add("Average", r.GetDouble("average"));
        return new EnrichedRecord { Placement = RecordPlacement.Window, Columns = columns };
    }
}
