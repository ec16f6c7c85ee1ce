using Microsoft.Extensions.Logging;

namespace AcsFunctions.Reconcile;

/// <summary>
/// Compares ACS platform metrics (API requests per operation and status code) with our <c>AggApiRequests</c>
/// roll-up for the same resource and windows: per metric / operation / status code, platform count, our count,
/// difference, verdict, and the windows that differ.
/// </summary>
public sealed class ReconcileService
{
    private readonly IPlatformMetricsClient _platform;
    private readonly IApiRequestCounts _ours;
    private readonly ILogger<ReconcileService> _logger;

    /// <summary>Creates the service.</summary>
    public ReconcileService(IPlatformMetricsClient platform, IApiRequestCounts ours, ILogger<ReconcileService> logger)
    {
        _platform = platform;
        _ours = ours;
        _logger = logger;
    }

    /// <summary>Runs the comparison.</summary>
    /// <exception cref="ArgumentException">The grain is neither one minute nor one hour, or the range is empty.</exception>
    public async Task<ReconcileReport> RunAsync(ReconcileRequest request, CancellationToken cancellationToken = default)
    {
        if (request.Grain != TimeSpan.FromMinutes(1) && request.Grain != TimeSpan.FromHours(1))
        {
            throw new ArgumentException("The grain must be PT1M or PT1H.", nameof(request));
        }

        var from = Floor(request.From, request.Grain);
        var to = Floor(request.To, request.Grain);
        if (to <= from)
        {
            throw new ArgumentException("The range holds no whole window: --to must be at least one grain after --from.", nameof(request));
        }

        var platform = await _platform.GetAsync(new PlatformMetricsQuery(request.ResourceId, from, to, request.Grain, request.Metrics), cancellationToken);
        var ours = await _ours.GetAsync(request.ResourceId, from, to, cancellationToken);

        var cells = new Dictionary<(string Metric, string OperationKey, string Status), Cell>();
        foreach (var p in platform)
        {
            var metric = request.Metrics.First(m => string.Equals(m.Name, p.Metric, StringComparison.OrdinalIgnoreCase));
            var cell = CellFor(cells, metric, p.Operation, p.StatusCode);
            cell.PlatformOperation ??= p.Operation;
            cell.Add(Floor(p.Window, request.Grain), p.Count, 0);
        }

        foreach (var o in ours)
        {
            var metric = request.Metrics.FirstOrDefault(m => string.Equals(m.Category, o.Category, StringComparison.OrdinalIgnoreCase));
            if (metric is null)
            {
                continue; // not an API-request category, or a metric not asked for
            }

            var cell = CellFor(cells, metric, o.Operation, o.StatusCode);
            cell.OurOperation ??= o.Operation;
            cell.Add(Floor(o.Window, request.Grain), 0, o.Count);
        }

        var rows = cells.Values
            .Select(c => c.ToRow())
            .OrderBy(r => r.Metric, StringComparer.OrdinalIgnoreCase)
            .ThenBy(r => r.Operation, StringComparer.OrdinalIgnoreCase)
            .ThenBy(r => r.StatusCode, StringComparer.Ordinal)
            .ToList();
        var report = new ReconcileReport { ResourceId = request.ResourceId, From = from, To = to, Grain = request.Grain, Rows = rows };
        ReconcileLog.Completed(_logger, rows.Count, report.Platform, report.Ours, rows.Count(r => r.Verdict != ReconcileVerdict.Equal));
        return report;
    }

    private static Cell CellFor(Dictionary<(string, string, string), Cell> cells, ApiRequestMetric metric, string operation, string status)
    {
        var key = (metric.Name, ApiRequestMetrics.OperationKey(operation), status.Trim());
        if (!cells.TryGetValue(key, out var cell))
        {
            cells[key] = cell = new Cell(metric, status.Trim());
        }

        return cell;
    }

    private static DateTimeOffset Floor(DateTimeOffset time, TimeSpan grain)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % grain.Ticks), TimeSpan.Zero);
    }

    private sealed class Cell(ApiRequestMetric metric, string status)
    {
        private readonly SortedDictionary<DateTimeOffset, (long Platform, long Ours)> _windows = [];

        public string? PlatformOperation { get; set; }

        public string? OurOperation { get; set; }

        public void Add(DateTimeOffset window, long platform, long ours)
        {
            var (p, o) = _windows.GetValueOrDefault(window);
            _windows[window] = (p + platform, o + ours);
        }

        public ReconcileReportRow ToRow() => new()
        {
            Metric = metric.Name,
            Category = metric.Category,
            Operation = PlatformOperation ?? OurOperation ?? "unknown",
            StatusCode = status,
            Platform = _windows.Values.Sum(w => w.Platform),
            Ours = _windows.Values.Sum(w => w.Ours),
            DifferingWindows = [.. _windows.Where(w => w.Value.Platform != w.Value.Ours).Select(w => new ReconcileWindow(w.Key, w.Value.Platform, w.Value.Ours))],
        };
    }
}
