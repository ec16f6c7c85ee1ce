namespace AcsFunctions.Queries;

/// <summary>A query's typed rows and their JSON — the exact body of <c>GET /api/query/{kind}</c> and of <c>acs-diag query --format json</c>.</summary>
/// <param name="Parameters">The validated parameters.</param>
/// <param name="Rows">The rows (records of the kind's row type).</param>
/// <param name="Json">One JSON array, camelCase, times ISO-8601 UTC.</param>
public sealed record QueryResult(QueryParameters Parameters, IReadOnlyList<object> Rows, string Json)
{
    /// <summary>
    /// The minutes of the range whose roll-up is pending or was interrupted (rows covering them carry <c>incomplete: true</c>;
    /// a window with no row yet may still get one). Empty when every row is final.
    /// </summary>
    public IReadOnlyList<DateTimeOffset> IncompleteWindows { get; init; } = [];

    /// <summary>Read round trips (query pages) the query issued, pending-mark reads included.</summary>
    public long ReadQueries { get; init; }

    /// <summary>Rows read (aggregate rows and pending marks).</summary>
    public long RowsRead { get; init; }
}
