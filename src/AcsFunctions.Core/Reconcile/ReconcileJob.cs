using AcsFunctions.Records;
using AcsFunctions.Retention;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;
using Azure.Data.Tables;
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
    private readonly AcsStorage _storage;
    private readonly ReconcileOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ReconcileJob> _logger;

    /// <summary>Creates the job.</summary>
    public ReconcileJob(ReconcileService service, ReconcileResultStore store, AcsStorage storage, IOptions<ReconcileOptions> options, TimeProvider timeProvider, ILogger<ReconcileJob> logger)
    {
        _service = service;
        _store = store;
        _storage = storage;
        _options = options.Value;
        _time = timeProvider;
        _logger = logger;
    }

    /// <summary>
    /// Reconciles and stores, for every configured resource, the last <see cref="ReconcileOptions.LookbackHours"/>
    /// closed hours and, after the app was stopped (or the job failed), every earlier hour that has not had its last
    /// check yet, at most <see cref="ReconcileOptions.MaxCatchUpHours"/> back and never before the minute rows of
    /// <c>AggApiRequests</c> that retention kept (<see cref="ComparableFromAsync"/>). An hour holding roll-up work still
    /// pending for the resource does not have its last check yet. A resource that fails does not stop the others; the
    /// run throws at the end, naming every failure, and that resource's hours are taken up by the next run.
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
        var reports = new List<ReconcileReport>();
        if (_options.Resources.Count == 0)
        {
            return reports;
        }

        var settled = _time.GetUtcNow() - _options.SettleDelay;
        var end = new DateTimeOffset(settled.UtcDateTime.Date.AddHours(settled.UtcDateTime.Hour), TimeSpan.Zero);
        var lookbackStart = end.AddHours(-_options.LookbackHours);
        var done = lookbackStart.AddHours(1); // the hour at lookbackStart has its last check now (the next run's window starts an hour later)
        var catchUpLimit = end.AddHours(-Math.Max(_options.MaxCatchUpHours, _options.LookbackHours));
        var comparable = await ComparableFromAsync(TimeSpan.FromHours(1), cancellationToken) ?? DateTimeOffset.MinValue;
        var (oldest, limit) = comparable > catchUpLimit
            ? (comparable, "the minute aggregates retention keeps (AcsFunctions:Retention:MinuteAggregates): our side of them is gone")
            : (catchUpLimit, "AcsFunctions:Reconcile:MaxCatchUpHours; run acs-diag reconcile --store for them");
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
                    if (pending < oldest)
                    {
                        ReconcileLog.CatchUpLimited(_logger, resource, pending, oldest, limit);
                    }

                    if (from < lookbackStart)
                    {
                        ReconcileLog.CatchingUp(_logger, resource, from, (int)(lookbackStart - from).TotalHours, pastDue);
                    }
                }

                // Look-back hours whose minute rows retention deleted had their checks while the rows were there: the
                // stored ones stay (ReconcileHoursAsync skips them).
                reports.AddRange(await ReconcileHoursAsync(resource, from, end, comparable, cancellationToken));

                // A past-due run checked hours whose logs may still be waiting in the hub: the next on-time run checks them
                // again. An hour whose logs are ingested but not rolled up yet is not final either, nor is any after it.
                // Before the first run for a resource there is nothing to catch up: a past-due one finalizes no hour.
                var through = await FirstPendingHourAsync(resource, from < comparable ? comparable : from, done, cancellationToken) ?? done;
                if (checkedThrough is null)
                {
                    await _store.SaveCheckedThroughAsync(resource, pastDue && through > lookbackStart ? lookbackStart : through, cancellationToken);
                }
                else if (!pastDue && through > checkedThrough)
                {
                    await _store.SaveCheckedThroughAsync(resource, through, cancellationToken);
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                ReconcileLog.ResourceFailed(_logger, resource, ex.Message); // the host logs the run's AggregateException with every stack
                failures.Add(new InvalidOperationException($"Reconciling {resource} failed: {ex.Message}", ex));
            }
        }

        if (failures.Count > 0)
        {
            throw new AggregateException($"The reconciliation of {failures.Count} of {_options.Resources.Count} resources failed; the others were stored.", failures);
        }

        return reports;
    }

    /// <summary>
    /// The first window, aligned to <paramref name="grain"/>, whose count of ours is complete: the comparison reads the
    /// minute rows of <c>AggApiRequests</c>, and before the cutoff retention recorded
    /// (<c>AcsFunctions:Retention:MinuteAggregates</c>, whatever host deleted them) they may be gone — compared, such a
    /// window would read "we have fewer" with ours 0. Null when retention never deleted any.
    /// </summary>
    public async Task<DateTimeOffset?> ComparableFromAsync(TimeSpan grain, CancellationToken cancellationToken = default)
    {
        var cutoff = await RetentionState.ReadTrimmedBeforeAsync(_storage, TableNames.AggApiRequests, RetentionStep.MinuteTier, cancellationToken);
        if (cutoff == DateTimeOffset.MinValue)
        {
            return null;
        }

        var ticks = cutoff.UtcTicks + grain.Ticks - 1;
        return new DateTimeOffset(ticks - (ticks % grain.Ticks), TimeSpan.Zero);
    }

    /// <summary>
    /// Reconciles and stores every whole hour in [<paramref name="from"/>, <paramref name="to"/>) of one resource, except
    /// the hours before <see cref="ComparableFromAsync"/> (our side of them is gone: they would be stored as "we have fewer").
    /// </summary>
    public async Task<IReadOnlyList<ReconcileReport>> ReconcileHoursAsync(string resourceId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        await ReconcileHoursAsync(resourceId, from, to, await ComparableFromAsync(TimeSpan.FromHours(1), cancellationToken) ?? DateTimeOffset.MinValue, cancellationToken);

    /// <summary>
    /// <see cref="ReconcileHoursAsync(string, DateTimeOffset, DateTimeOffset, CancellationToken)"/> with the first comparable
    /// hour already read (a run reads it once for all its resources).
    /// </summary>
    private async Task<IReadOnlyList<ReconcileReport>> ReconcileHoursAsync(string resourceId, DateTimeOffset from, DateTimeOffset to, DateTimeOffset comparable, CancellationToken cancellationToken)
    {
        var reports = new List<ReconcileReport>();
        var hour = CoarseTiers.FloorHour(from);
        if (hour < comparable)
        {
            hour = comparable;
        }

        for (; hour.AddHours(1) <= to; hour = hour.AddHours(1))
        {
            var report = await _service.RunAsync(new ReconcileRequest { ResourceId = resourceId, From = hour, To = hour.AddHours(1) }, cancellationToken);
            await _store.SaveAsync(report, _time.GetUtcNow(), cancellationToken);
            ReconcileLog.HourStored(_logger, resourceId, hour, report.Rows.Count, report.Rows.Count(r => r.Verdict != ReconcileVerdict.Equal));
            reports.Add(report);
        }

        return reports;
    }

    /// <summary>
    /// The first hour in [<paramref name="from"/>, <paramref name="to"/>) with a window mark of the resource pending in
    /// <c>RollupPending</c> (its records are stored but their minute aggregates are not final), or null. Only marks of the
    /// categories reconciliation compares (<see cref="ApiRequestMetrics.ForCategory"/>) count: a pending email or call
    /// window does not change the API-request counts.
    /// </summary>
    private async Task<DateTimeOffset?> FirstPendingHourAsync(string resourceId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        if (to <= from)
        {
            return null;
        }

        var resourceKey = ResourceRef.Parse(resourceId).Key;
        var filter = RollupMarks.KindFilter(RollupMarks.WindowKind) + TableClient.CreateQueryFilter($" and RowKey ge {Windows.Key(from)} and RowKey lt {Windows.Key(to)}");
        var first = (await TableReads.QueryAsync(_storage.GetTable(TableNames.RollupPending), filter, ["ResourceKey", "Category"], cancellationToken))
            .Where(m => string.Equals(m.GetString("ResourceKey"), resourceKey, StringComparison.Ordinal)
                && m.GetString("Category") is { } category && ApiRequestMetrics.ForCategory(category) is not null)
            .Select(m => m.RowKey[..Windows.KeyFormat.Length])
            .Min(StringComparer.Ordinal);
        if (first is null)
        {
            return null;
        }

        return CoarseTiers.FloorHour(Windows.Parse(first));
    }
}
