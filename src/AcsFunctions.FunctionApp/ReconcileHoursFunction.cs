using AcsFunctions.Reconcile;
using Microsoft.Azure.Functions.Worker;

namespace AcsFunctions.FunctionApp;

/// <summary>
/// Timer → <see cref="ReconcileJob"/>: compares the last closed hours of every configured ACS resource
/// (<c>AcsFunctions__Reconcile__Resources__N</c>) with the platform metrics and stores the result for the
/// <c>reconciliation</c> query and the workbook grid. With no resource configured a run does nothing.
/// </summary>
public sealed class ReconcileHoursFunction
{
    private readonly ReconcileJob _job;

    /// <summary>Creates the function.</summary>
    public ReconcileHoursFunction(ReconcileJob job)
    {
        _job = job;
    }

    /// <summary>Reconciles and stores the last closed hours; a re-run replaces the stored rows of the same hours.</summary>
    [Function("ReconcileHours")]
    public async Task ReconcileHours([TimerTrigger("%ReconcileSchedule%", UseMonitor = true)] TimerInfo timer, FunctionContext context)
    {
        CancellationToken cancellationToken = context.CancellationToken;
        await _job.RunAsync(cancellationToken);
    }
}
