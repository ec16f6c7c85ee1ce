using Microsoft.Extensions.Options;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;

namespace AcsFunctions.Queries;

/// <summary>
/// <c>api-requests</c>: API requests. View <c>detail</c> (default): one row per (window, resource, category, operation,
/// status code). The other views sum those rows over every resource the filters select, so that a chart gets exactly
/// one point per interval and series: <c>operations</c> per (window, category, operation), with the failure rate and
/// the duration percentiles of the operation as a whole (histograms merged, never averaged) — a status-code row alone is
/// all-failed or all-succeeded; <c>status-codes</c> per (window, status code); <c>status-classes</c> per (window, class).
/// </summary>
public sealed class ApiRequestsQuery : IQueryKind
{
    /// <summary>One row per resource, category, operation and status code (the default view).</summary>
    public const string DetailView = "detail";

    /// <summary>One row per operation, with its failure rate.</summary>
    public const string OperationsView = "operations";

    /// <summary>One row per status code.</summary>
    public const string StatusCodesView = "status-codes";

    /// <summary>One row per status class.</summary>
    public const string StatusClassesView = "status-classes";

    private readonly AcsStorage _storage;

    private readonly TierReads _coarse;

    /// <summary>Creates the query; <paramref name="options"/> says whether hourly and daily rows are read (default yes).</summary>
    public ApiRequestsQuery(AcsStorage storage, IOptions<QueryOptions>? options = null)
    {
        _storage = storage;
        _coarse = QueryOptions.ReadsOf(options);
    }

    /// <inheritdoc />
    public string Name => QueryKinds.ApiRequests;

    /// <inheritdoc/>
    public IReadOnlyList<string> AggregateTables => [TableNames.AggApiRequests];

    /// <inheritdoc />
    public QueryFilters Filters => QueryFilters.Interval | QueryFilters.Resource | QueryFilters.Category | QueryFilters.Operation;

    /// <summary>The views (the first is the default), also without an instance: <see cref="QueryKinds.Views"/>.</summary>
    public static IReadOnlyList<string> AllViews { get; } = [DetailView, OperationsView, StatusCodesView, StatusClassesView];

    /// <inheritdoc />
    public IReadOnlyList<string> Views => AllViews;

    /// <inheritdoc />
    public Type? RowType(string? view) => view switch
    {
        OperationsView => typeof(ApiRequestOperationRow),
        StatusCodesView => typeof(ApiRequestStatusCodeRow),
        StatusClassesView => typeof(ApiRequestStatusClassRow),
        _ => typeof(ApiRequestRow),
    };

    /// <inheritdoc />
    public Task<IReadOnlyList<object>> RunAsync(QueryParameters parameters, CancellationToken cancellationToken = default) =>
        RunAsync(parameters, new QueryContext(), cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<object>> RunAsync(QueryParameters parameters, QueryContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var aggregates = await AggregatesAsync(parameters, context, cancellationToken);
        return parameters.View switch
        {
            OperationsView => [.. Regroup(aggregates, a => (a.Category, a.Operation, string.Empty, string.Empty)).Select(ApiRequestOperationRow.From)],
            StatusCodesView => [.. Regroup(aggregates, a => (string.Empty, string.Empty, a.StatusCode, a.StatusClass)).Select(ApiRequestStatusCodeRow.From)],
            StatusClassesView => [.. Regroup(aggregates, a => (string.Empty, string.Empty, string.Empty, a.StatusClass)).Select(ApiRequestStatusClassRow.From)],
            _ => [.. aggregates.Select(ApiRequestRow.From)],
        };
    }

    /// <summary>The merged aggregates (one per interval and key), ordered by window, resource, category, operation, status.</summary>
    public Task<IReadOnlyList<ApiRequestAggregate>> AggregatesAsync(QueryParameters parameters, CancellationToken cancellationToken = default) =>
        AggregatesAsync(parameters, null, cancellationToken);

    /// <summary>The merged aggregates, the marks read for pages kept in <paramref name="context"/> (the run's, when there is one).</summary>
    public async Task<IReadOnlyList<ApiRequestAggregate>> AggregatesAsync(QueryParameters parameters, QueryContext? context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        // Rows of pages are read straight from the page bytes (no entity per row), the others from their entities.
        var rows = await AggregateQuery.ReadTiledAsync(
            _storage, TableNames.AggApiRequests, parameters, _coarse, context, ApiRequestAggregate.FromEntity, ApiRequestAggregate.FromPage, cancellationToken,
            ("Category", parameters.Category), ("Operation", parameters.Operation));
        foreach (var aggregate in rows)
        {
            aggregate.WindowStart = parameters.Interval.Floor(aggregate.WindowStart);
        }

        var merged = AggregateQuery.MergeInPlace(
            rows,
            a => (a.WindowStart, a.Resource.Key, a.Category, a.Operation, a.StatusCode),
            (first, a) => first.Merge(a));
        return
        [
            .. merged.OrderBy(a => a.WindowStart)
                .ThenBy(a => a.Resource.Id, StringComparer.Ordinal)
                .ThenBy(a => a.Category, StringComparer.Ordinal)
                .ThenBy(a => a.Operation, StringComparer.Ordinal)
                .ThenBy(a => a.StatusCode, StringComparer.Ordinal),
        ];
    }

    /// <summary>
    /// The detail aggregates merged per window and the key <paramref name="key"/> keeps (category, operation, status code,
    /// status class; an empty part is merged over), across resources; ordered by window, then key.
    /// </summary>
    private static IEnumerable<ApiRequestAggregate> Regroup(
        IReadOnlyList<ApiRequestAggregate> aggregates,
        Func<ApiRequestAggregate, (string Category, string Operation, string StatusCode, string StatusClass)> key)
    {
        // An accumulator holds its key's parts, so its key is the key of the aggregates it sums: a set of accumulators
        // compared by key finds an aggregate's group without a table of keys (with a long answer's many five-part keys,
        // that table was a large object per query). Each aggregate is merged into a fresh accumulator, in order.
        var groups = new HashSet<ApiRequestAggregate>(aggregates.Count, new GroupComparer(key));
        var order = new List<ApiRequestAggregate>();
        foreach (var a in aggregates)
        {
            if (!groups.TryGetValue(a, out var accumulator))
            {
                var (category, operation, statusCode, statusClass) = key(a);
                accumulator = new ApiRequestAggregate
                {
                    WindowStart = a.WindowStart,
                    Resource = a.Resource,
                    Category = category,
                    Operation = operation,
                    StatusCode = statusCode,
                    StatusClass = statusClass,
                };
                groups.Add(accumulator);
                order.Add(accumulator);
            }

            accumulator.Merge(a);
        }

        return order
            .OrderBy(a => a.WindowStart)
            .ThenBy(a => a.Category, StringComparer.Ordinal)
            .ThenBy(a => a.Operation, StringComparer.Ordinal)
            .ThenBy(a => a.StatusClass, StringComparer.Ordinal)
            .ThenBy(a => a.StatusCode, StringComparer.Ordinal);
    }

    /// <summary>Aggregates equal when their window and regrouping key are.</summary>
    private sealed class GroupComparer(Func<ApiRequestAggregate, (string, string, string, string)> key) : IEqualityComparer<ApiRequestAggregate>
    {
        public bool Equals(ApiRequestAggregate? x, ApiRequestAggregate? y) =>
            x is not null && y is not null && x.WindowStart == y.WindowStart && key(x) == key(y);

        public int GetHashCode(ApiRequestAggregate obj) => HashCode.Combine(obj.WindowStart, key(obj));
    }
}
