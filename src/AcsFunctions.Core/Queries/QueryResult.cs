namespace AcsFunctions.Queries;

/// <summary>
/// A query's typed rows — the body of <c>GET /api/query/{kind}</c> (compact) and of <c>acs-diag query --format json</c>
/// (indented) once written with <see cref="WriteJsonAsync"/>. The result holds no JSON: the answer's bytes are produced
/// once, from the rows, into the destination.
/// </summary>
/// <param name="Parameters">The validated parameters.</param>
/// <param name="Rows">The rows (records of the kind's row type).</param>
public sealed record QueryResult(QueryParameters Parameters, IReadOnlyList<object> Rows)
{
    /// <summary>
    /// The minutes of the range whose roll-up is pending or was interrupted (rows covering them carry <c>incomplete: true</c>;
    /// a window with no row yet may still get one). Empty when every row is final.
    /// </summary>
    public IReadOnlyList<DateTimeOffset> IncompleteWindows { get; init; } = [];

    /// <summary>
    /// The parts of the range older than the cutoff retention has been deleting below, at the tier the query read them
    /// from (earliest first): some or all of their rows may be gone, and a missing row there is not zero traffic
    /// (<see cref="ExpiredWindows"/>).
    /// </summary>
    public IReadOnlyList<ExpiredWindow> Expired { get; init; } = [];

    /// <summary>
    /// The type of the rows the kind and view answer with (<see cref="IQueryKind.RowType"/>), known also when there are
    /// none: an empty answer's CSV still has its header. Null when the kind does not say.
    /// </summary>
    public Type? RowType { get; init; }

    /// <summary>
    /// True when the kind takes an <c>interval</c> (its rows are windows of <see cref="QueryParameters.Interval"/>); false for
    /// kinds whose rows are not windowed (<c>calls</c>, <c>dead-letters</c>, …), whose parameters carry the default interval only.
    /// </summary>
    public bool Windowed { get; init; } = true;

    /// <summary>
    /// Read round trips (query pages) the query issued, pending-mark reads included, and for a windowed query the one
    /// read of retention's cutoffs (none while retention has never run: its table does not exist).
    /// </summary>
    public long ReadQueries { get; init; }

    /// <summary>Rows read (aggregate rows, pending marks, and retention's cutoffs: one per table and tier it trimmed).</summary>
    public long RowsRead { get; init; }

    /// <summary>
    /// The rows as the indented JSON text of <c>acs-diag query --format json</c> (one array, camelCase, times ISO-8601 UTC),
    /// built on each access: for tools and tests. Hosts write the answer with <see cref="WriteJsonAsync"/>.
    /// </summary>
    public string Json => QueryJson.Serialize(Rows, indented: true);

    /// <summary>Writes the rows as one JSON array of UTF-8 to <paramref name="destination"/> (<see cref="QueryJson.WriteAsync"/>).</summary>
    /// <param name="destination">The response body or file; not disposed.</param>
    /// <param name="indented">Indented (the CLI) or compact (the HTTP API).</param>
    /// <param name="cancellationToken">Stops writing.</param>
    public Task WriteJsonAsync(Stream destination, bool indented, CancellationToken cancellationToken = default) =>
        QueryJson.WriteAsync(destination, Rows, indented, cancellationToken);
}
