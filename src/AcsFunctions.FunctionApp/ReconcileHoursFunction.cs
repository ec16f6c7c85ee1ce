using AcsFunctions.Reconcile;
using Microsoft.Azure.Functions.Worker;

namespace AcsFunctions.FunctionApp;

/// <summary>
/// Timer → <see cref="ReconcileJob"/>: compares the last closed hours of every configured ACS resource
/// (<c>AcsFunctions__Reconcile__Resources__N</c>) with the platform metrics and stores the result for the
/// <c>reconciliation</c> query and the workbook grid. With no resource configured a run does nothing. After the app was
/// stopped, the run catches up the hours it missed (<c>AcsFunctions__Reconcile__MaxCatchUpHours</c>); a past-due run
/// (the first after a restart, while the hub's backlog is ingested) leaves them to be checked again by the next run.
/// </summary>
public sealed class ReconcileHoursFunction
{
    private readonly ReconcileJob _job;

    /// <summary>Creates the function.</summary>
    public ReconcileHoursFunction(ReconcileJob job)
    {
        _job = job;
    }

    /// <summary>Reconciles and stores the last closed hours and any missed ones; a re-run replaces the stored rows of the same hours.</summary>
    [Function("ReconcileHours")]
    public async Task ReconcileHours([TimerTrigger("%ReconcileSchedule%", UseMonitor = true)] TimerInfo timer, FunctionContext context)
    {
        CancellationToken cancellationToken = context.CancellationToken;
        await _job.RunAsync(timer.IsPastDue, cancellationToken);
    }
}
