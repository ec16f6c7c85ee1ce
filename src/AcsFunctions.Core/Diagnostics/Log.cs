using Microsoft.Extensions.Logging;

namespace AcsFunctions.Diagnostics;

/// <summary>
/// Source-generated log messages of the core. Event ids are grouped by area: 1xxx ingestion, 2xxx storage,
/// 3xxx roll-ups, 4xxx queries, 5xxx privacy/drift/health, 6xxx backfill/reconcile.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, EventName = "IngestCompleted", Level = LogLevel.Information,
        Message = "Ingested {Bodies} bodies: {Records} records, {Stored} stored, {Unclassified} unclassified, {DeadLettered} dead-lettered")]
    public static partial void IngestCompleted(ILogger logger, int bodies, int records, int stored, int unclassified, int deadLettered);

    [LoggerMessage(EventId = 1001, EventName = "RecordDeadLettered", Level = LogLevel.Warning,
        Message = "Dead-lettered a {Category} unit from {Source}: {Reason} ({Detail})")]
    public static partial void RecordDeadLettered(ILogger logger, string category, string source, string reason, string detail);

    [LoggerMessage(EventId = 1002, EventName = "UnknownCategory", Level = LogLevel.Information,
        Message = "Category `{Category}` has no schema handler; stored raw as unclassified")]
    public static partial void UnknownCategory(ILogger logger, string category);

    [LoggerMessage(EventId = 2000, EventName = "StorageRetry", Level = LogLevel.Warning,
        Message = "Storage call failed transiently; attempt {Attempt} in {Delay}: {Error}")]
    public static partial void StorageRetry(ILogger logger, int attempt, TimeSpan delay, string error);

    [LoggerMessage(EventId = 2001, EventName = "BatchRejected", Level = LogLevel.Warning,
        Message = "Table `{Table}` rejected a batch for partition `{PartitionKey}` ({Status} {ErrorCode}); writing its entities one by one")]
    public static partial void BatchRejected(ILogger logger, string table, string partitionKey, int status, string errorCode);

    [LoggerMessage(EventId = 2003, EventName = "StorageAttemptTimedOut", Level = LogLevel.Warning,
        Message = "Storage at {Endpoint} did not answer within {Timeout} (attempt {Attempt} of {Attempts}; AcsFunctions:Storage:NetworkTimeout / MaxRetries)")]
    public static partial void StorageAttemptTimedOut(ILogger logger, string endpoint, TimeSpan timeout, int attempt, int attempts);

    [LoggerMessage(EventId = 2004, EventName = "StorageAttemptFailed", Level = LogLevel.Warning,
        Message = "Storage at {Endpoint} failed (attempt {Attempt} of {Attempts}): {Error}")]
    public static partial void StorageAttemptFailed(ILogger logger, string endpoint, int attempt, int attempts, string error);

    [LoggerMessage(EventId = 2005, EventName = "StorageNotReached", Level = LogLevel.Debug,
        Message = "Storage ({Service}) at {Endpoint} was not reached on attempt {Attempt}: {Failure}; it has not answered in this process, so the call fails without retries")]
    public static partial void StorageNotReached(ILogger logger, string service, string endpoint, int attempt, string failure);

    [LoggerMessage(EventId = 2002, EventName = "PayloadOffloaded", Level = LogLevel.Debug,
        Message = "Payload of {Bytes} bytes stored in blob `{Blob}`")]
    public static partial void PayloadOffloaded(ILogger logger, long bytes, string blob);
}
