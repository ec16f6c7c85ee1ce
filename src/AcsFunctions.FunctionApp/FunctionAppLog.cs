using Microsoft.Extensions.Logging;

namespace AcsFunctions.FunctionApp;

/// <summary>Log messages of the Functions app (EventIds 4300–4349).</summary>
internal static partial class FunctionAppLog
{
    [LoggerMessage(EventId = 4300, EventName = "EventHubBatchAttemptFailed", Level = LogLevel.Error,
        Message = "Batch {Batch}: attempt {Attempt} failed ({Failure}); the partition waits {Delay} and the same batch is attempted again (no checkpoint)")]
    public static partial void BatchAttemptFailed(ILogger logger, string batch, int attempt, string failure, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 4302, EventName = "EventHubBatchDeadLettered", Level = LogLevel.Error,
        Message = "Batch of partition {Partition} from sequence number {FirstSequenceNumber}: failed {Attempts} times, not for a storage outage; its {Bodies} event bodies are dead-lettered whole (reason batch-failed) and the partition goes on")]
    public static partial void BatchDeadLettered(ILogger logger, string partition, string firstSequenceNumber, int attempts, int bodies, Exception exception);

    [LoggerMessage(EventId = 4303, EventName = "EventHubBatchDeadLetterFailed", Level = LogLevel.Error,
        Message = "Batch {Batch}: dead-lettering the batch after {Attempts} failed attempts failed too; the partition keeps holding it (no checkpoint)")]
    public static partial void BatchDeadLetterFailed(ILogger logger, string batch, int attempts, Exception exception);

    [LoggerMessage(EventId = 4301, EventName = "EventHubBatchStoredAfterRetries", Level = LogLevel.Warning,
        Message = "Batch {Batch}: stored on attempt {Attempt}")]
    public static partial void BatchStoredAfterRetries(ILogger logger, string batch, int attempt);
}
