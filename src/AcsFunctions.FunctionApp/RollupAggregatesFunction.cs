using AcsFunctions.Functions;
using Microsoft.Azure.Functions.Worker;

namespace AcsFunctions.FunctionApp;

/// <summary>
/// Timer → <see cref="ScheduledRollup"/>. <c>UseMonitor</c> keeps the schedule in storage so a missed occurrence
/// runs (past due) after a restart; concurrent runs are safe (marks are claimed with leases).
/// </summary>
public sealed class RollupAggregatesFunction
{
    private readonly ScheduledRollup _rollup;

    /// <summary>Creates the function.</summary>
    public RollupAggregatesFunction(ScheduledRollup rollup)
    {
        _rollup = rollup;
    }

    /// <summary>Rolls up everything marked pending since the last run.</summary>
    [Function("RollupAggregates")]
    public async Task RollupAggregates([TimerTrigger("%RollupSchedule%", UseMonitor = true)] TimerInfo timer, FunctionContext context)
    {
        bool pastDue = timer.IsPastDue;
        CancellationToken cancellationToken = context.CancellationToken;
        await _rollup.RunAsync(pastDue, cancellationToken);
    }
}
