using Microsoft.Extensions.Logging;

namespace AcsFunctions.FunctionApp;

/// <summary>Log messages of the Functions app (EventIds 4300–4349).</summary>
internal static partial class FunctionAppLog
{
    [LoggerMessage(EventId = 4300, EventName = "EventHubBatchAttemptFailed", Level = LogLevel.Error,
        Message = "Batch {Batch}: attempt {Attempt} failed; the partition waits {Delay} and the same batch is attempted again (no checkpoint)")]
    public static partial void BatchAttemptFailed(ILogger logger, string batch, int attempt, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 4301, EventName = "EventHubBatchStoredAfterRetries", Level = LogLevel.Warning,
        Message = "Batch {Batch}: stored on attempt {Attempt}")]
    public static partial void BatchStoredAfterRetries(ILogger logger, string batch, int attempt);
}
