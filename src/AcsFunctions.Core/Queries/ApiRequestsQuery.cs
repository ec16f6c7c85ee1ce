using AcsFunctions.Rollups;
using AcsFunctions.Storage;

namespace AcsFunctions.Queries;

/// <summary><c>api-requests</c>: API requests per (window, resource, category, operation, status code).</summary>
public sealed class ApiRequestsQuery : IQueryKind
{
    private readonly AcsStorage _storage;

    /// <summary>Creates the query.</summary>
    public ApiRequestsQuery(AcsStorage storage) => _storage = storage;

    /// <inheritdoc />
    public string Name => QueryKinds.ApiRequests;

    /// <inheritdoc />
    public QueryFilters Filters => QueryFilters.Interval | QueryFilters.Resource | QueryFilters.Category | QueryFilters.Operation;

    /// <inheritdoc />
    public async Task<IReadOnlyList<object>> RunAsync(QueryParameters parameters, CancellationToken cancellationToken = default) =>
        [.. (await AggregatesAsync(parameters, cancellationToken)).Select(ApiRequestRow.From)];

    /// <summary>The merged aggregates (one per interval and key), ordered by window, resource, category, operation, status.</summary>
    public async Task<IReadOnlyList<ApiRequestAggregate>> AggregatesAsync(QueryParameters parameters, CancellationToken cancellationToken = default)
    {
        var filter = AggregateQuery.Filter(parameters, ("Category", parameters.Category), ("Operation", parameters.Operation));
        var rows = await AggregateQuery.ReadAsync(_storage, TableNames.AggApiRequests, filter, cancellationToken);
        var merged = AggregateQuery.Merge(
            rows.Select(ApiRequestAggregate.FromEntity),
            a => (parameters.Interval.Floor(a.WindowStart), a.Resource.Key, a.Category, a.Operation, a.StatusCode),
            a => new ApiRequestAggregate
            {
                WindowStart = parameters.Interval.Floor(a.WindowStart),
                Resource = a.Resource,
                Category = a.Category,
                Operation = a.Operation,
                StatusCode = a.StatusCode,
                StatusClass = a.StatusClass,
            },
            (acc, a) => acc.Merge(a));
        return
        [
            .. merged.OrderBy(a => a.WindowStart)
                .ThenBy(a => a.Resource.Id, StringComparer.Ordinal)
                .ThenBy(a => a.Category, StringComparer.Ordinal)
                .ThenBy(a => a.Operation, StringComparer.Ordinal)
                .ThenBy(a => a.StatusCode, StringComparer.Ordinal),
        ];
    }
}
