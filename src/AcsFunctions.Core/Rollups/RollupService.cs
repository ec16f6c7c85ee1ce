using Azure.Data.Tables;
using AcsFunctions.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcsFunctions.Rollups;

/// <summary>
/// The roll-up: reads the pending marks and recomputes exactly the record partitions they name from the raw rows
/// — window marks and call marks first, then the call-start windows the calls touched, then the hours and days of
/// every aggregate table whose minutes changed (<see cref="CoarseTiers"/>) — writing aggregates with
/// deterministic keys (replace, never increment). The cost of a run is proportional to what changed since the
/// last one. Safe to run late, twice, or on several instances at once (see <see cref="MarkStore"/>): used by the
/// timer function and <c>acs-diag rollup</c>.
/// </summary>
public sealed class RollupService
{
    private const int MaxPasses = 3;
    private static readonly string[] _phases = [RollupMarkKinds.Window, RollupMarkKinds.Call];

    private readonly AcsStorage _storage;
    private readonly MarkStore _marks;
    private readonly WindowRollup _windows;
    private readonly CallRollup _calls;
    private readonly CallWindowRollup _callWindows;
    private readonly TierRollup _tiers;
    private readonly RollupOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<RollupService> _logger;

    internal RollupService(
        AcsStorage storage,
        MarkStore marks,
        WindowRollup windows,
        CallRollup calls,
        CallWindowRollup callWindows,
        TierRollup tiers,
        IOptions<RollupOptions> options,
        TimeProvider time,
        ILogger<RollupService> logger)
    {
        _storage = storage;
        _marks = marks;
        _windows = windows;
        _calls = calls;
        _callWindows = callWindows;
        _tiers = tiers;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>Processes every pending mark once.</summary>
    /// <exception cref="StorageUnavailableException">Table storage cannot be reached; every mark stays pending.</exception>
    public async Task<RollupResult> RunAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await RunOnceAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not StorageUnavailableException && TransientErrors.IsTransient(ex) && !cancellationToken.IsCancellationRequested)
        {
            // Listing marks or creating tables failed after the table client's own retries: an outage, not a bug.
            throw new StorageUnavailableException($"Table storage is unavailable for the roll-up: {TransientErrors.Describe(ex)}", ex);
        }
    }

    private async Task<RollupResult> RunOnceAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var runId = Guid.NewGuid().ToString("N")[..12];
        var counters = new RollupCounters();
        await EnsureTablesAsync(cancellationToken);

        // Window and call marks are independent of each other; call marks write the call-window marks, which
        // are processed after them so each call-start window is recomputed once per pass. A mark that changed
        // while it was recomputed (late data, or a concurrent run) stays pending; another pass takes it at once.
        for (var pass = 0; pass < MaxPasses; pass++)
        {
            var retained = counters.RetainedCount;
            await Task.WhenAll(_phases.Select(kind => ProcessKindAsync(kind, runId, counters, cancellationToken)));
            await ProcessKindAsync(RollupMarkKinds.CallWindow, runId, counters, cancellationToken);
            await ProcessKindAsync(RollupMarkKinds.Hour, runId, counters, cancellationToken);
            await ProcessKindAsync(RollupMarkKinds.Day, runId, counters, cancellationToken);
            if (counters.RetainedCount == retained)
            {
                break;
            }
        }

        var result = counters.ToResult(runId, _time.GetElapsedTime(started));
        RollupLog.RollupCompleted(_logger, runId, result.Processed, result.Windows, result.Calls, result.CallWindows, result.Retained,
            result.Skipped, result.Failed, result.OutOfRange, result.RecordRowsRead, result.AggregateRowsRead, result.RowsWritten, result.RowsDeleted, result.Elapsed);
        return result;
    }

    private async Task ProcessKindAsync(string kind, string runId, RollupCounters counters, CancellationToken cancellationToken)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelism, CancellationToken = cancellationToken };
        if (kind == RollupMarkKinds.Window)
        {
            await ProcessWindowMarksAsync(runId, counters, parallel);
            return;
        }

        // The same key may be marked in several partitions of the kind (one per ingest source, #20): its marks are
        // claimed together and recomputed once.
        var marks = new List<TableEntity>();
        await foreach (var page in _marks.ListAsync(kind, _options.PageSize, counters.Reads, cancellationToken))
        {
            marks.AddRange(page);
        }

        var groups = marks.GroupBy(m => m.RowKey, StringComparer.Ordinal).Select(g => g.ToList());
        await Parallel.ForEachAsync(groups, parallel, (group, ct) => new ValueTask(ProcessMarkGroupAsync(kind, group, runId, counters, ct)));
    }

    /// <summary>
    /// Window marks are taken in runs of contiguous minutes (<see cref="RollupOptions.MaxRangeMinutes"/> at most), each
    /// read with one range query per table; runs are processed with bounded parallelism.
    /// </summary>
    private async Task ProcessWindowMarksAsync(string runId, RollupCounters counters, ParallelOptions parallel)
    {
        var marks = new List<TableEntity>();
        await foreach (var page in _marks.ListAsync(RollupMarkKinds.Window, _options.PageSize, counters.Reads, parallel.CancellationToken))
        {
            foreach (var mark in page)
            {
                if (_marks.IsLeased(mark, out var leaseUntil))
                {
                    RollupLog.MarkSkipped(_logger, RollupMarkKinds.Window, mark.RowKey, leaseUntil);
                    counters.Leased(leaseUntil);
                }
                else
                {
                    marks.Add(mark);
                }
            }
        }

        var runs = Runs(marks, _options.MaxRangeMinutes, _options.PointReads ? 1 : _options.PageSize);
        await Parallel.ForEachAsync(runs, parallel, (run, ct) => new ValueTask(ProcessWindowRunAsync(run, runId, counters, ct)));
    }

    /// <summary>Splits marks (any order) into runs of contiguous minutes, each spanning at most <paramref name="maxMinutes"/> and <paramref name="maxMarks"/> marks.</summary>
    internal static List<List<TableEntity>> Runs(IEnumerable<TableEntity> marks, int maxMinutes, int maxMarks)
    {
        var runs = new List<List<TableEntity>>();
        List<TableEntity>? current = null;
        DateTimeOffset start = default, previous = default;
        foreach (var mark in marks.OrderBy(m => m.RowKey, StringComparer.Ordinal))
        {
            var window = WindowRollup.WindowOf(mark);
            if (current is null || window - previous > TimeSpan.FromMinutes(1) || window - start >= TimeSpan.FromMinutes(maxMinutes) || current.Count >= maxMarks)
            {
                current = [];
                runs.Add(current);
                start = window;
            }

            current.Add(mark);
            previous = window;
        }

        return runs;
    }

    private async Task ProcessWindowRunAsync(List<TableEntity> run, string runId, RollupCounters counters, CancellationToken cancellationToken)
    {
        // Claims and completions are not cancelled half way (CancellationToken.None): a claim the service applied but
        // the client abandoned would leave a lease behind after Ctrl+C. Cancellation is honoured between the steps.
        cancellationToken.ThrowIfCancellationRequested();
        var claims = await Task.WhenAll(run.Select(async mark => (Mark: mark, ETag: await _marks.TryClaimAsync(mark, runId, _options.LeaseDuration, CancellationToken.None))));
        var claimed = claims.Where(c => c.ETag is not null).ToList();
        for (var i = claimed.Count; i < claims.Length; i++)
        {
            counters.Skipped(); // changed since listed: re-marked (the next run takes it) or claimed by another run
        }

        if (claimed.Count == 0)
        {
            return;
        }

        try
        {
            await _windows.RecomputeRangeAsync([.. claimed.Select(c => c.Mark)], counters, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            foreach (var (mark, _) in claimed)
            {
                RollupLog.MarkFailed(_logger, ex, RollupMarkKinds.Window, mark.RowKey);
                counters.Failed();
            }

            await ReleaseAsync(claimed.Select(c => c.Mark)); // the next run retries
            return;
        }
        catch (OperationCanceledException)
        {
            await ReleaseAsync(claimed.Select(c => c.Mark)); // Ctrl+C: no lease is left behind
            throw;
        }

        var processed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (mark, etag) in claimed)
        {
            if (processed.Add(mark.RowKey))
            {
                counters.Processed(RollupMarkKinds.Window); // a window marked by several sources (#20) is one window
            }

            if (!await _marks.CompleteAsync(mark, etag!.Value, CancellationToken.None))
            {
                RollupLog.MarkRetained(_logger, RollupMarkKinds.Window, mark.RowKey);
                counters.Retained();
            }
        }
    }

    private Task ReleaseAsync(IEnumerable<TableEntity> marks) =>
        Task.WhenAll(marks.Select(m => _marks.RemarkAsync(m, CancellationToken.None)));

    private async Task ProcessMarkGroupAsync(string kind, List<TableEntity> group, string runId, RollupCounters counters, CancellationToken cancellationToken)
    {
        var free = new List<TableEntity>(group.Count);
        foreach (var mark in group)
        {
            if (_marks.IsLeased(mark, out var leaseUntil))
            {
                RollupLog.MarkSkipped(_logger, kind, mark.RowKey, leaseUntil);
                counters.Leased(leaseUntil);
            }
            else
            {
                free.Add(mark);
            }
        }

        if (free.Count == 0)
        {
            return;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var claims = await Task.WhenAll(free.Select(async mark => (Mark: mark, ETag: await _marks.TryClaimAsync(mark, runId, _options.LeaseDuration, CancellationToken.None))));
        var claimed = claims.Where(c => c.ETag is not null).ToList();
        for (var i = claimed.Count; i < claims.Length; i++)
        {
            counters.Skipped(); // changed since listed: re-marked (the next run takes it) or claimed by another run
        }

        if (claimed.Count == 0)
        {
            return;
        }

        if (OutOfRange(kind, claimed[0].Mark) is { } start)
        {
            // Never recomputable, so never retried: dropped once, with an error the operator sees.
            RollupLog.MarkOutOfRange(_logger, kind, claimed[0].Mark.RowKey, start, EventTimeRange.Description);
            counters.OutOfRange();
            foreach (var (mark, etag) in claimed)
            {
                if (!await _marks.CompleteAsync(mark, etag!.Value, CancellationToken.None))
                {
                    counters.Retained();
                }
            }

            return;
        }

        try
        {
            await RecomputeAsync(kind, claimed[0].Mark, counters, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            RollupLog.MarkFailed(_logger, ex, kind, claimed[0].Mark.RowKey);
            counters.Failed();
            await ReleaseAsync(claimed.Select(c => c.Mark)); // release the lease: the next run retries
            return;
        }
        catch (OperationCanceledException)
        {
            await ReleaseAsync(claimed.Select(c => c.Mark)); // Ctrl+C: no lease is left behind
            throw;
        }

        counters.Processed(kind);
        foreach (var (mark, etag) in claimed)
        {
            if (!await _marks.CompleteAsync(mark, etag!.Value, CancellationToken.None))
            {
                RollupLog.MarkRetained(_logger, kind, mark.RowKey);
                counters.Retained();
            }
        }
    }

    /// <summary>
    /// The start of an hour or day mark's period when it is outside the accepted event times (<see cref="EventTimeRange"/>),
    /// else null. Such a period cannot be rebuilt (the range read of the day after it would pass the last representable
    /// time) nor queried. Window and call-window marks are recomputed whatever their window: their own recompute works,
    /// and a call-window one removes the row of a call that moved out of such a window.
    /// </summary>
    private static DateTimeOffset? OutOfRange(string kind, TableEntity mark)
    {
        if (kind is not (RollupMarkKinds.Hour or RollupMarkKinds.Day))
        {
            return null;
        }

        try
        {
            var (start, _) = CoarseTiers.ParseMark(mark.RowKey);
            return EventTimeRange.Contains(start) ? null : start;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return null; // a malformed mark key: its recompute fails it as before (MarkFailed, lease released)
        }
    }

    private Task RecomputeAsync(string kind, TableEntity mark, RollupCounters counters, CancellationToken cancellationToken) => kind switch
    {
        RollupMarkKinds.Call => _calls.RecomputeAsync(mark, counters, cancellationToken),
        RollupMarkKinds.Hour or RollupMarkKinds.Day => _tiers.RecomputeAsync(kind, mark, counters, cancellationToken),
        _ => _callWindows.RecomputeAsync(mark, counters, cancellationToken),
    };

    private async Task EnsureTablesAsync(CancellationToken cancellationToken)
    {
        string[] tables = [.. _windows.Tables, TableNames.AggCalls, TableNames.AggCallIndex, TableNames.AggCallWindows, TableNames.AggStreamQuality];
        foreach (var table in tables.Distinct(StringComparer.Ordinal))
        {
            await _storage.EnsureTableAsync(table, cancellationToken);
        }
    }
}
