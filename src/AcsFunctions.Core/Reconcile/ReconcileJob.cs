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

    /// <summary>Reconciles and stores the last <see cref="ReconcileOptions.LookbackHours"/> closed hours of every configured resource.</summary>
    /// <returns>The stored hourly reports.</returns>
    public async Task<IReadOnlyList<ReconcileReport>> RunAsync(CancellationToken cancellationToken = default)
    {
        var settled = _time.GetUtcNow() - _options.SettleDelay;
        var end = new DateTimeOffset(settled.UtcDateTime.Date.AddHours(settled.UtcDateTime.Hour), TimeSpan.Zero);
        var reports = new List<ReconcileReport>();
        foreach (var resource in _options.Resources)
        {
            reports.AddRange(await ReconcileHoursAsync(resource, end.AddHours(-_options.LookbackHours), end, cancellationToken));
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
