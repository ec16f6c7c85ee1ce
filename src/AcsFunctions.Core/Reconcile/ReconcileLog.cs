using Microsoft.Extensions.Logging;

namespace AcsFunctions.Reconcile;

/// <summary>Log messages of the reconciliation against platform metrics (event ids 6100–6199).</summary>
internal static partial class ReconcileLog
{
    [LoggerMessage(EventId = 6100, EventName = "PlatformMetricRead", Level = LogLevel.Debug,
        Message = "Read platform metric {Metric} in {Pages} page(s)")]
    public static partial void MetricRead(ILogger logger, string metric, int pages);

    [LoggerMessage(EventId = 6101, EventName = "PlatformMetricSeriesLimit", Level = LogLevel.Warning,
        Message = "Platform metric {Metric} returned {Top} time series, the most one page holds; counts may be incomplete — narrow the time range")]
    public static partial void SeriesLimitReached(ILogger logger, string metric, int top);

    [LoggerMessage(EventId = 6102, EventName = "ReconcileCompleted", Level = LogLevel.Information,
        Message = "Reconciled {Rows} metric/operation/status rows: platform {Platform}, ours {Ours}, {Differing} differing")]
    public static partial void Completed(ILogger logger, int rows, long platform, long ours, int differing);

    [LoggerMessage(EventId = 6103, EventName = "ReconcileHourStored", Level = LogLevel.Information,
        Message = "Stored the reconciliation of {Resource} for the hour {Hour}: {Rows} rows, {Differing} differing")]
    public static partial void HourStored(ILogger logger, string resource, DateTimeOffset hour, int rows, int differing);
}
