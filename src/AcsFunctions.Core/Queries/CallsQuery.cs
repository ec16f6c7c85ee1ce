using AcsFunctions.Rollups;
using AcsFunctions.Storage;

namespace AcsFunctions.Queries;

/// <summary><c>calls</c>: one row per call whose start lies in the range, ordered by start.</summary>
public sealed class CallsQuery : IQueryKind
{
    private readonly AcsStorage _storage;

    /// <summary>Creates the query.</summary>
    public CallsQuery(AcsStorage storage) => _storage = storage;

    /// <inheritdoc />
    public string Name => QueryKinds.Calls;

    /// <inheritdoc/>
    public IReadOnlyList<string> AggregateTables => [TableNames.AggCalls];

    /// <inheritdoc />
    public QueryFilters Filters => QueryFilters.Resource;

    /// <inheritdoc />
    public Type? RowType(string? view) => typeof(CallRow);

    /// <inheritdoc />
    public async Task<IReadOnlyList<object>> RunAsync(QueryParameters parameters, CancellationToken cancellationToken = default) =>
        [.. (await CallsAsync(parameters, cancellationToken)).Select(CallRow.From)];

    /// <summary>The call aggregates, ordered by start and correlation id.</summary>
    public async Task<IReadOnlyList<CallAggregate>> CallsAsync(QueryParameters parameters, CancellationToken cancellationToken = default)
    {
        var rows = await AggregateQuery.ReadAsync(_storage, TableNames.AggCalls, AggregateQuery.Filter(parameters), cancellationToken);
        return [.. rows.Select(CallAggregate.FromEntity).OrderBy(c => c.CallStartTime).ThenBy(c => c.CorrelationId, StringComparer.Ordinal)];
    }
}
