using AcsFunctions.Queries;
using AcsFunctions.Storage;

namespace AcsFunctions.Reconcile;

/// <summary><c>reconciliation</c>: the stored hourly comparisons of platform metrics with our aggregates.</summary>
public sealed class ReconciliationQuery : IQueryKind
{
    /// <summary>The kind's name.</summary>
    public const string KindName = "reconciliation";

    private readonly AcsStorage _storage;

    /// <summary>Creates the query.</summary>
    public ReconciliationQuery(AcsStorage storage) => _storage = storage;

    /// <inheritdoc />
    public string Name => KindName;

    /// <inheritdoc />
    public QueryFilters Filters => QueryFilters.Resource | QueryFilters.Category | QueryFilters.Operation;

    /// <inheritdoc />
    public Type? RowType(string? view) => typeof(ReconciliationRow);

    /// <inheritdoc />
    public async Task<IReadOnlyList<object>> RunAsync(QueryParameters parameters, CancellationToken cancellationToken = default)
    {
        var filter = AggregateQuery.Filter(parameters, ("Category", parameters.Category), ("Operation", parameters.Operation));
        var rows = await AggregateQuery.ReadAsync(_storage, ReconcileResultStore.TableName, filter, cancellationToken);
        return
        [
            .. rows.Select(e => new ReconciliationRow
            {
                WindowStart = Windows.Parse(e.PartitionKey),
                ResourceId = e.GetString("ResourceId") ?? string.Empty,
                ResourceName = e.GetString("ResourceName") ?? string.Empty,
                Metric = e.GetString("Metric") ?? string.Empty,
                Category = e.GetString("Category") ?? string.Empty,
                Operation = e.GetString("Operation") ?? string.Empty,
                StatusCode = e.GetString("StatusCode") ?? string.Empty,
                Platform = e.GetInt64("Platform") ?? 0,
                Ours = e.GetInt64("Ours") ?? 0,
                Difference = e.GetInt64("Difference") ?? 0,
                Verdict = (e.GetString("Verdict") ?? string.Empty).ToLowerInvariant(),
                ReconciledAt = e.GetDateTimeOffset("ReconciledAt"),
            })
                .OrderBy(r => r.WindowStart)
                .ThenBy(r => r.ResourceId, StringComparer.Ordinal)
                .ThenBy(r => r.Metric, StringComparer.Ordinal)
                .ThenBy(r => r.Operation, StringComparer.Ordinal)
                .ThenBy(r => r.StatusCode, StringComparer.Ordinal),
        ];
    }
}
