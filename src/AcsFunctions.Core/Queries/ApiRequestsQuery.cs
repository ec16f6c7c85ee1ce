using AcsFunctions.Rollups;
using AcsFunctions.Storage;

namespace AcsFunctions.Queries;

/// <summary>
/// <c>api-requests</c>: API requests. View <c>detail</c> (default): one row per (window, resource, category, operation,
/// status code). View <c>operations</c>: one row per (window, category, operation) over every resource the filters
/// select, with the failure rate and the duration percentiles of the operation as a whole (histograms merged, never
/// averaged) — what a chart of an operation over time needs, since a status-code row alone is all-failed or all-succeeded.
/// </summary>
public sealed class ApiRequestsQuery : IQueryKind
{
    /// <summary>One row per resource, category, operation and status code (the default view).</summary>
    public const string DetailView = "detail";

    /// <summary>One row per operation, with its failure rate.</summary>
    public const string OperationsView = "operations";

    private readonly AcsStorage _storage;

    /// <summary>Creates the query.</summary>
    public ApiRequestsQuery(AcsStorage storage) => _storage = storage;

    /// <inheritdoc />
    public string Name => QueryKinds.ApiRequests;

    /// <inheritdoc />
    public QueryFilters Filters => QueryFilters.Interval | QueryFilters.Resource | QueryFilters.Category | QueryFilters.Operation;

    /// <inheritdoc />
    public IReadOnlyList<string> Views { get; } = [DetailView, OperationsView];

    /// <inheritdoc />
    public async Task<IReadOnlyList<object>> RunAsync(QueryParameters parameters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var aggregates = await AggregatesAsync(parameters, cancellationToken);
        return parameters.View == OperationsView
            ? [.. Operations(aggregates).Select(ApiRequestOperationRow.From)]
            : [.. aggregates.Select(ApiRequestRow.From)];
    }

    /// <summary>The merged aggregates (one per interval and key), ordered by window, resource, category, operation, status.</summary>
    public async Task<IReadOnlyList<ApiRequestAggregate>> AggregatesAsync(QueryParameters parameters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
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

    /// <summary>The status-code aggregates merged per (window, category, operation), across resources and status codes.</summary>
    private static IEnumerable<ApiRequestAggregate> Operations(IReadOnlyList<ApiRequestAggregate> aggregates) =>
        AggregateQuery.Merge(
                aggregates,
                a => (a.WindowStart, a.Category, a.Operation),
                a => new ApiRequestAggregate
                {
                    WindowStart = a.WindowStart,
                    Resource = a.Resource,
                    Category = a.Category,
                    Operation = a.Operation,
                    StatusCode = string.Empty,
                    StatusClass = string.Empty,
                },
                (acc, a) => acc.Merge(a))
            .OrderBy(a => a.WindowStart)
            .ThenBy(a => a.Category, StringComparer.Ordinal)
            .ThenBy(a => a.Operation, StringComparer.Ordinal);
}
