using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcsFunctions.Reconcile;

/// <summary>
/// The scheduled reconciliation: for every configured resource, each of the last closed hours is compared
/// (<see cref="ReconcileService"/>) and stored (<see cref="ReconcileResultStore"/>), so the <c>reconciliation</c>
/// query and the workbook show where platform metrics and our aggregates differ, hour by hour.
/// </summary>
public sealed class ReconcileJob
{
    private readonly ReconcileService _service;
    private readonly ReconcileResultStore _store;
    private readonly ReconcileOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ReconcileJob> _logger;

    /// <summary>Creates the job.</summary>
    public ReconcileJob(ReconcileService service, ReconcileResultStore store, IOptions<ReconcileOptions> options, TimeProvider timeProvider, ILogger<ReconcileJob> logger)
    {
        _service = service;
        _store = store;
        _options = options.Value;
        _time = timeProvider;
        _logger = logger;
    }

    /// <summary>
    /// Reconciles and stores, for every configured resource, the last <see cref="ReconcileOptions.LookbackHours"/>
    /// closed hours and, after the app was stopped (or the job failed), every earlier hour that has not had its last
    /// check yet, at most <see cref="ReconcileOptions.MaxCatchUpHours"/> back. A resource that fails does not stop the
    /// others; the run throws at the end, naming every failure, and that resource's hours are taken up by the next run.
    /// </summary>
    /// <param name="pastDue">
    /// The timer fired late (the host was down, or the last run overran): the hub's backlog is probably still being
    /// ingested, so the hours caught up now are checked again by the next run that is on time.
    /// </param>
    /// <param name="cancellationToken">Cancels the run; hours not stored are taken up by the next run.</param>
    /// <returns>The stored hourly reports.</returns>
    /// <exception cref="AggregateException">One or more resources could not be reconciled (the others were stored).</exception>
    public async Task<IReadOnlyList<ReconcileReport>> RunAsync(bool pastDue = false, CancellationToken cancellationToken = default)
    {
        var settled = _time.GetUtcNow() - _options.SettleDelay;
        var end = new DateTimeOffset(settled.UtcDateTime.Date.AddHours(settled.UtcDateTime.Hour), TimeSpan.Zero);
        var lookbackStart = end.AddHours(-_options.LookbackHours);
        var oldest = end.AddHours(-Math.Max(_options.MaxCatchUpHours, _options.LookbackHours));
        var reports = new List<ReconcileReport>();
        var failures = new List<Exception>();
        foreach (var resource in _options.Resources)
        {
            try
            {
                var checkedThrough = await _store.ReadCheckedThroughAsync(resource, cancellationToken);
                var from = lookbackStart;
                if (checkedThrough is { } pending && pending < lookbackStart)
                {
                    from = pending < oldest ? oldest : pending;
                    ReconcileLog.CatchingUp(_logger, resource, pending, (int)(lookbackStart - from).TotalHours, pastDue);
                    if (pending < oldest)
                    {
                        ReconcileLog.CatchUpLimited(_logger, resource, pending, oldest);
                    }
                }

                reports.AddRange(await ReconcileHoursAsync(resource, from, end, cancellationToken));

                // The hour at lookbackStart had its last check in this run (the next run's window starts an hour later).
                // A past-due run checked hours whose logs may still be waiting in the hub: the next on-time run checks them again.
                var done = lookbackStart.AddHours(1);
                if (checkedThrough is null || (!pastDue && done > checkedThrough))
                {
                    await _store.SaveCheckedThroughAsync(resource, done, cancellationToken);
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                ReconcileLog.ResourceFailed(_logger, resource, ex);
                failures.Add(new InvalidOperationException($"Reconciling {resource} failed: {ex.Message}", ex));
            }
        }

        if (failures.Count > 0)
        {
            throw new AggregateException($"The reconciliation of {failures.Count} of {_options.Resources.Count} resources failed; the others were stored.", failures);
        }

        return reports;
    }

    /// <summary>Reconciles and stores every whole hour in [<paramref name="from"/>, <paramref name="to"/>) of one resource.</summary>
    public async Task<IReadOnlyList<ReconcileReport>> ReconcileHoursAsync(string resourceId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        var reports = new List<ReconcileReport>();
        var hour = new DateTimeOffset(from.UtcDateTime.Date.AddHours(from.UtcDateTime.Hour), TimeSpan.Zero);
        for (; hour.AddHours(1) <= to; hour = hour.AddHours(1))
        {
            var report = await _service.RunAsync(new ReconcileRequest { ResourceId = resourceId, From = hour, To = hour.AddHours(1) }, cancellationToken);
            await _store.SaveAsync(report, _time.GetUtcNow(), cancellationToken);
            ReconcileLog.HourStored(_logger, resourceId, hour, report.Rows.Count, report.Rows.Count(r => r.Verdict != ReconcileVerdict.Equal));
            reports.Add(report);
        }

        return reports;
    }
}
