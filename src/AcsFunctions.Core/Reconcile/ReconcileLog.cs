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

    [LoggerMessage(EventId = 6104, EventName = "ReconcileCatchingUp", Level = LogLevel.Information,
        Message = "Reconciling {Resource} from {From}: {Hours} hour(s) before the usual look-back were not checked for good yet (the app was stopped, a run failed, or the roll-up was behind); past due: {PastDue}")]
    public static partial void CatchingUp(ILogger logger, string resource, DateTimeOffset from, int hours, bool pastDue);

    [LoggerMessage(EventId = 6105, EventName = "ReconcileCatchUpLimited", Level = LogLevel.Warning,
        Message = "The hours of {Resource} from {CheckedThrough} to {Oldest} are not reconciled: they are older than {Limit}")]
    public static partial void CatchUpLimited(ILogger logger, string resource, DateTimeOffset checkedThrough, DateTimeOffset oldest, string limit);

    [LoggerMessage(EventId = 6106, EventName = "ReconcileResourceFailed", Level = LogLevel.Warning,
        Message = "Reconciling {Resource} failed ({Reason}); the other resources go on, the run fails at the end, and the next run takes its hours up again")]
    public static partial void ResourceFailed(ILogger logger, string resource, string reason);
}
