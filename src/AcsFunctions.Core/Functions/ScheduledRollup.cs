using AcsFunctions.Rollups;
using Microsoft.Extensions.Logging;

namespace AcsFunctions.Functions;

/// <summary>What the Functions app's roll-up timer does: one <see cref="RollupService"/> run, logged.</summary>
public sealed class ScheduledRollup
{
    private readonly RollupService _rollups;
    private readonly ILogger<ScheduledRollup> _logger;

    /// <summary>Creates the scheduled roll-up.</summary>
    public ScheduledRollup(RollupService rollups, ILogger<ScheduledRollup> logger)
    {
        _rollups = rollups;
        _logger = logger;
    }

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
        return result;
    }
}
