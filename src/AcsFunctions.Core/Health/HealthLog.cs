using Microsoft.Extensions.Logging;

namespace AcsFunctions.Health;

/// <summary>Log messages of the pipeline-health counters (event ids 5200–5299).</summary>
internal static partial class HealthLog
{
    [LoggerMessage(EventId = 5200, EventName = "HealthWriteFailed", Level = LogLevel.Warning,
        Message = "Health: could not write the counters of {Rows} row(s) (kept for the next batch): {Error}")]
    public static partial void WriteFailed(ILogger logger, int rows, string error);

    [LoggerMessage(EventId = 5201, EventName = "HealthFinalWriteFailed", Level = LogLevel.Warning,
        Message = "Health: the counters of {Rows} row(s) could not be written at shutdown and are lost")]
    public static partial void FinalWriteFailed(ILogger logger, int rows);
}
