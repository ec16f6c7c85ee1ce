using Microsoft.Extensions.Logging;

namespace AcsFunctions.Retention;

/// <summary>Source-generated log messages of retention (event ids 31xx, with the roll-up's).</summary>
internal static partial class RetentionLog
{
    [LoggerMessage(EventId = 3100, EventName = "RetentionCompleted", Level = LogLevel.Information,
        Message = "Retention{DryRun}: {Deleted} rows deleted, {Kept} expired rows kept for the roll-up, {RowsRead} expired rows and {GuardRowsRead} guard rows read in {ReadQueries} queries, {Transactions} transactions, more to do: {More}, in {Elapsed}")]
    public static partial void RetentionCompleted(ILogger logger, string dryRun, long deleted, long kept, long rowsRead, long guardRowsRead, long readQueries, long transactions, bool more, TimeSpan elapsed);

    [LoggerMessage(EventId = 3101, EventName = "RetentionTable", Level = LogLevel.Debug,
        Message = "Retention of {Table} ({Tier}) before {Cutoff}: {Deleted} deleted (would be, in a dry run), {Kept} kept, {Conflicts} changed meanwhile, more: {More}")]
    public static partial void RetentionTable(ILogger logger, string table, string tier, DateTimeOffset cutoff, long deleted, long kept, long conflicts, bool more);

    [LoggerMessage(EventId = 3102, EventName = "RetentionConflict", Level = LogLevel.Debug,
        Message = "Retention left {Count} rows of {Table} partition {PartitionKey}: they changed or went meanwhile ({Status}); the next run retries")]
    public static partial void RetentionConflict(ILogger logger, int count, string table, string partitionKey, int status);

    [LoggerMessage(EventId = 3103, EventName = "OrphanBlobsDeleted", Level = LogLevel.Information,
        Message = "Retention deleted {Count} payload blobs whose rows an earlier run deleted before it stopped ({Intents} intents finished)")]
    public static partial void OrphanBlobsDeleted(ILogger logger, int count, int intents);

    [LoggerMessage(EventId = 3104, EventName = "RetentionIntentsUnreadable", Level = LogLevel.Warning,
        Message = "Retention cannot read {Count} blob intents in table {Table}, partition blobs (row keys: {RowKeys}): the payload blobs they name may stay after their rows; inspect each row, delete the blobs whose rows are gone, then the row")]
    public static partial void UnreadableIntents(ILogger logger, int count, string table, string rowKeys);
}
