using AcsFunctions.Storage;

namespace AcsFunctions.Rollups;

/// <summary>Thread-safe counters of one roll-up run.</summary>
internal sealed class RollupCounters
{
    private readonly Lock _gate = new();
    private int _windows, _calls, _callWindows, _hours, _days, _retained, _skipped, _leased, _failed, _refused, _outOfRange;
    private long _recordRows, _aggregateRows, _written, _deleted, _writeRequests;
    private DateTimeOffset? _first, _last, _leasedUntil;

    /// <summary>Read round trips and rows returned by every read of the run.</summary>
    public ReadCost Reads { get; } = new();

    public void WriteRequests(long count) => Interlocked.Add(ref _writeRequests, count);

    /// <summary>A mark skipped because another (possibly dead) run holds its lease until <paramref name="until"/>.</summary>
    public void Leased(DateTimeOffset? until)
    {
        Interlocked.Increment(ref _leased);
        Skipped();
        lock (_gate)
        {
            _leasedUntil = _leasedUntil is { } u && (until is null || u >= until) ? u : until ?? _leasedUntil;
        }
    }

    public void Processed(string kind)
    {
        switch (kind)
        {
            case RollupMarkKinds.Window:
                Interlocked.Increment(ref _windows);
                break;
            case RollupMarkKinds.Call:
                Interlocked.Increment(ref _calls);
                break;
            case RollupMarkKinds.Hour:
                Interlocked.Increment(ref _hours);
                break;
            case RollupMarkKinds.Day:
                Interlocked.Increment(ref _days);
                break;
            default:
                Interlocked.Increment(ref _callWindows);
                break;
        }
    }

    public int RetainedCount => Volatile.Read(ref _retained);

    public void Retained() => Interlocked.Increment(ref _retained);

    public void Skipped() => Interlocked.Increment(ref _skipped);

    public void Failed() => Interlocked.Increment(ref _failed);

    /// <summary>An hour or day mark dropped because its period is outside the accepted event times.</summary>
    public void OutOfRange() => Interlocked.Increment(ref _outOfRange);

    /// <summary>An hour or day left as it was because late data for it could not be added exactly (<see cref="RollupMarkKinds.Late"/>).</summary>
    public void Refused() => Interlocked.Increment(ref _refused);

    public void RecordRowsRead(long count) => Interlocked.Add(ref _recordRows, count);

    public void AggregateRowsRead(long count) => Interlocked.Add(ref _aggregateRows, count);

    public void Written(long count) => Interlocked.Add(ref _written, count);

    public void Deleted(long count) => Interlocked.Add(ref _deleted, count);

    public void Window(DateTimeOffset window)
    {
        lock (_gate)
        {
            _first = _first is { } f && f <= window ? f : window;
            _last = _last is { } l && l >= window ? l : window;
        }
    }

    public RollupResult ToResult(string runId, TimeSpan elapsed) => new()
    {
        RunId = runId,
        Windows = _windows,
        Calls = _calls,
        CallWindows = _callWindows,
        Hours = _hours,
        Days = _days,
        Retained = _retained,
        Skipped = _skipped,
        Leased = _leased,
        LeasedUntil = _leasedUntil,
        ReadQueries = Reads.Queries,
        WriteRequests = _writeRequests,
        Failed = _failed,
        LateNotMerged = _refused,
        OutOfRange = _outOfRange,
        RecordRowsRead = _recordRows,
        AggregateRowsRead = _aggregateRows,
        RowsWritten = _written,
        RowsDeleted = _deleted,
        FirstWindow = _first,
        LastWindow = _last,
        Elapsed = elapsed,
    };
}
