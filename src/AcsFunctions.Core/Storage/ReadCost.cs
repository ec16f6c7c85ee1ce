namespace AcsFunctions.Storage;

/// <summary>What reads cost: query round trips (one per page) and rows returned. Thread-safe.</summary>
public sealed class ReadCost
{
    private static readonly AsyncLocal<ReadCost?> _current = new();
    private long _queries;

    /// <summary>
    /// The cost every <see cref="TableReads"/> query of the current async flow is also counted in (set by
    /// the query service per query, and by benchmarks); null when nobody is counting.
    /// </summary>
    public static ReadCost? Current
    {
        get => _current.Value;
        set => _current.Value = value;
    }
    private long _rows;

    /// <summary>Query round trips (pages).</summary>
    public long Queries => Interlocked.Read(ref _queries);

    /// <summary>Rows returned.</summary>
    public long Rows => Interlocked.Read(ref _rows);

    /// <summary>Adds round trips and rows.</summary>
    public void Add(long queries, long rows)
    {
        Interlocked.Add(ref _queries, queries);
        Interlocked.Add(ref _rows, rows);
    }
}
