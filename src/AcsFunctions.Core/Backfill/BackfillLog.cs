using Microsoft.Extensions.Logging;

namespace AcsFunctions.Backfill;

/// <summary>Log messages of the archive backfill (event ids 6000–6099).</summary>
internal static partial class BackfillLog
{
    [LoggerMessage(EventId = 6000, EventName = "BackfillListed", Level = LogLevel.Information,
        Message = "Backfill: {Blobs} archive blobs ({Bytes} bytes) in range in account {Account}")]
    public static partial void Listed(ILogger logger, int blobs, long bytes, string account);

    [LoggerMessage(EventId = 6001, EventName = "BackfillBlob", Level = LogLevel.Information,
        Message = "Backfill: {Action} {Blob} at line {Line}, byte {Offset} of {Length}")]
    public static partial void Blob(ILogger logger, BlobAction action, string blob, long line, long offset, long length);

    [LoggerMessage(EventId = 6002, EventName = "BackfillBlobRewritten", Level = LogLevel.Warning,
        Message = "Backfill: {Blob} changed and did not just grow (length {Length}, checkpoint at byte {Offset}); reading it again from the start — rows are content-keyed, nothing is stored twice")]
    public static partial void Rewritten(ILogger logger, string blob, long length, long offset);

    [LoggerMessage(EventId = 6003, EventName = "BackfillCompleted", Level = LogLevel.Information,
        Message = "Backfill: {Blobs} blobs, {Bytes} bytes read, {Records} records ingested")]
    public static partial void Completed(ILogger logger, int blobs, long bytes, int records);

    [LoggerMessage(EventId = 6004, EventName = "BackfillBlobChangedWhileReading", Level = LogLevel.Warning,
        Message = "Backfill: {Blob} was replaced or deleted while it was read ({Status}); finished chunks are checkpointed, re-run to pick up the new content")]
    public static partial void ChangedWhileReading(ILogger logger, string blob, int status);
}
