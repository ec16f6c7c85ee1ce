using Microsoft.Extensions.Logging;

namespace AcsFunctions.Rollups;

/// <summary>Source-generated log messages of the roll-up (event ids 3xxx).</summary>
internal static partial class RollupLog
{
    [LoggerMessage(EventId = 3000, EventName = "RollupCompleted", Level = LogLevel.Information,
        Message = "Roll-up {RunId}: {Processed} marks recomputed ({Windows} windows, {Calls} calls, {CallWindows} call windows), {Retained} kept for the next run, {Skipped} owned by another run, {Failed} failed, {OutOfRange} dropped out of range; {RecordRowsRead} record rows and {AggregateRowsRead} aggregate rows read, {RowsWritten} rows written, {RowsDeleted} deleted in {Elapsed}")]
    public static partial void RollupCompleted(ILogger logger, string runId, int processed, int windows, int calls, int callWindows, int retained, int skipped, int failed, int outOfRange, long recordRowsRead, long aggregateRowsRead, long rowsWritten, long rowsDeleted, TimeSpan elapsed);

    [LoggerMessage(EventId = 3001, EventName = "MarkFailed", Level = LogLevel.Error,
        Message = "Roll-up of {Kind} mark `{MarkKey}` failed; it stays pending and is retried by the next run")]
    public static partial void MarkFailed(ILogger logger, Exception exception, string kind, string markKey);

    [LoggerMessage(EventId = 3002, EventName = "MarkRetained", Level = LogLevel.Debug,
        Message = "The {Kind} mark `{MarkKey}` changed while it was rolled up (new data, or another run); it stays pending")]
    public static partial void MarkRetained(ILogger logger, string kind, string markKey);

    [LoggerMessage(EventId = 3003, EventName = "MarkSkipped", Level = LogLevel.Debug,
        Message = "The {Kind} mark `{MarkKey}` is owned by another roll-up until {LeaseUntil}; skipped")]
    public static partial void MarkSkipped(ILogger logger, string kind, string markKey, DateTimeOffset? leaseUntil);

    [LoggerMessage(EventId = 3004, EventName = "CallMoved", Level = LogLevel.Information,
        Message = "Call `{CallKey}` moved from call-start window {PreviousWindow} to {Window}; both windows are recomputed")]
    public static partial void CallMoved(ILogger logger, string callKey, string previousWindow, string window);

    [LoggerMessage(EventId = 3006, EventName = "LateDataNotMerged", Level = LogLevel.Warning,
        Message = "Late data for the {Kind} of {Start:O} in `{Table}` was not added: retention has deleted the rows below it and its raw rows, so it keeps its rows as they were (recorded as a `late` mark; see docs/retention.md)")]
    public static partial void LateDataNotMerged(ILogger logger, string kind, string table, DateTimeOffset start);

    [LoggerMessage(EventId = 3005, EventName = "StaleAggregateDeleted", Level = LogLevel.Debug,
        Message = "Deleted {Count} aggregate rows of `{Table}` partition {PartitionKey} that the recompute no longer produces")]
    public static partial void StaleAggregateDeleted(ILogger logger, int count, string table, string partitionKey);

    [LoggerMessage(EventId = 3008, EventName = "MarkOutOfRange", Level = LogLevel.Error,
        Message = "The {Kind} mark `{MarkKey}` names a period starting {Start:O}, outside the accepted event times {Range}: it cannot be recomputed and no query reaches it, so it is dropped (counted in `outOfRange`)")]
    public static partial void MarkOutOfRange(ILogger logger, string kind, string markKey, DateTimeOffset start, string range);

    [LoggerMessage(EventId = 3007, EventName = "PageNotWritten", Level = LogLevel.Information,
        Message = "The {PageKind} page of {Day:yyyy-MM-dd} in `{Table}` is not written ({Reason}); queries read that day's rows")]
    public static partial void PageNotWritten(ILogger logger, string pageKind, DateTimeOffset day, string table, string reason);
}
