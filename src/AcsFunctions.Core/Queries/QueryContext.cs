namespace AcsFunctions.Queries;

/// <summary>
/// What one run of a query carries from its table reads to its <c>incomplete</c> flags: the pending hour and day marks
/// its page reads saw (<see cref="AggregateQuery.ReadTiledAsync"/>), handed to <see cref="PendingWindows.ReadAsync"/>.
/// One per run (<see cref="QueryService"/> creates it): two runs never share marks, even with the same
/// <see cref="QueryParameters"/> instance. A kind that reads two tables (email) keeps the marks of both reads, so rows
/// read before a later read (whose mark may be gone by then) stay flagged.
/// </summary>
public sealed class QueryContext
{
    private readonly Lock _lock = new();
    private PendingPeriods? _periods;

    /// <summary>The union of the hour and day marks the run's page reads saw; null when it read no page.</summary>
    internal PendingPeriods? Periods
    {
        get
        {
            lock (_lock)
            {
                return _periods;
            }
        }
    }

    /// <summary>True when a page read of this run read the hour and day marks.</summary>
    public bool ReadPeriodMarks => Periods is not null;

    /// <summary>Keeps the marks of one more read.</summary>
    internal void Add(PendingPeriods periods)
    {
        lock (_lock)
        {
            _periods = _periods is null ? periods : _periods.Union(periods);
        }
    }
}
