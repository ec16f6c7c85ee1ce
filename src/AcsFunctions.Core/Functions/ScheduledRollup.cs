using AcsFunctions.Retention;
using AcsFunctions.Rollups;
using Microsoft.Extensions.Logging;

namespace AcsFunctions.Functions;

/// <summary>
/// What the Functions app's roll-up timer does: one <see cref="RollupService"/> run, logged, then retention when it is
/// due (<see cref="RetentionService.RunIfDueAsync"/>: at most once per <see cref="RetentionOptions.Interval"/>, bounded per table).
/// </summary>
public sealed class ScheduledRollup
{
    private readonly RollupService _rollups;
    private readonly RetentionService _retention;
    private readonly ILogger<ScheduledRollup> _logger;

    /// <summary>Creates the scheduled roll-up.</summary>
    public ScheduledRollup(RollupService rollups, RetentionService retention, ILogger<ScheduledRollup> logger)
    {
        _rollups = rollups;
        _retention = retention;
        _logger = logger;
    }

    /// <summary>The last retention run this timer made (null until one was due).</summary>
    public RetentionResult? LastRetention { get; private set; }

    /// <summary>Runs one roll-up pass over everything marked pending.</summary>
    /// <param name="pastDue">The timer fired late (the host was down or the previous run overran).</param>
    /// <param name="cancellationToken">Cancels the run (host shutdown); unfinished marks stay pending for the next run.</param>
    public async Task<RollupResult> RunAsync(bool pastDue, CancellationToken cancellationToken = default)
    {
        if (pastDue)
        {
            FunctionsLog.RollupPastDue(_logger);
        }

        var result = await _rollups.RunAsync(cancellationToken);
        FunctionsLog.RollupCompleted(_logger, result.RunId, result.Windows, result.Calls, result.CallWindows, result.Skipped, result.Failed);
        try
        {
            // After the roll-up, so the hour and day rows that let old minute rows go are as fresh as they can be.
            LastRetention = await _retention.RunIfDueAsync(cancellationToken) ?? LastRetention;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            FunctionsLog.RetentionFailed(_logger, ex); // the roll-up's work is done; the next timer run retries retention
        }

        return result;
    }
}
