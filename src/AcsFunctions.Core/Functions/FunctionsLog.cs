using Microsoft.Extensions.Logging;

namespace AcsFunctions.Functions;

/// <summary>Log messages of the Functions hosts (EventIds 4200–4299).</summary>
internal static partial class FunctionsLog
{
    [LoggerMessage(EventId = 4200, EventName = "EventHubBatchIngested", Level = LogLevel.Information,
        Message = "Partition {Partition}: {Bodies} bodies, {Records} records: {Stored} stored, {Unclassified} unclassified, {DeadLettered} dead-lettered")]
    public static partial void BatchIngested(ILogger logger, string partition, int bodies, int records, int stored, int unclassified, int deadLettered);

    [LoggerMessage(EventId = 4201, EventName = "EventHubBatchDoesNotReconcile", Level = LogLevel.Error,
        Message = "Partition {Partition}: {Records} records but {Accounted} accounted for")]
    public static partial void BatchDoesNotReconcile(ILogger logger, string partition, int records, int accounted);

    [LoggerMessage(EventId = 4210, EventName = "RollupPastDue", Level = LogLevel.Warning,
        Message = "Roll-up timer is past due; this run catches up on everything pending")]
    public static partial void RollupPastDue(ILogger logger);

    [LoggerMessage(EventId = 4211, EventName = "ScheduledRollupCompleted", Level = LogLevel.Information,
        Message = "Roll-up {RunId}: {Windows} windows, {Calls} calls, {CallWindows} call windows; {Skipped} skipped, {Failed} failed")]
    public static partial void RollupCompleted(ILogger logger, string runId, int windows, int calls, int callWindows, int skipped, int failed);

    [LoggerMessage(EventId = 4220, EventName = "QueryStorageUnavailable", Level = LogLevel.Warning,
        Message = "Query {Kind}: storage unavailable")]
    public static partial void QueryStorageUnavailable(ILogger logger, string kind, Exception exception);

    [LoggerMessage(EventId = 4221, EventName = "QueryStorageRefused", Level = LogLevel.Error,
        Message = "Query {Kind}: table storage refused the app's credentials ({Status}): {Cause}")]
    public static partial void QueryStorageRefused(ILogger logger, string kind, string status, string cause, Exception exception);

    [LoggerMessage(EventId = 4212, EventName = "RetentionFailed", Level = LogLevel.Error,
        Message = "Retention after the scheduled roll-up failed; nothing is lost, the next timer run retries")]
    public static partial void RetentionFailed(ILogger logger, Exception exception);
}
