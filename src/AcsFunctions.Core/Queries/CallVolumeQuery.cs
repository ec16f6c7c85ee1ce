using AcsFunctions.Rollups;
using AcsFunctions.Storage;

namespace AcsFunctions.Queries;

/// <summary><c>call-volume</c>: calls per (call-start window, resource), merged to the interval.</summary>
public sealed class CallVolumeQuery : IQueryKind
{
    private readonly AcsStorage _storage;

    /// <summary>Creates the query.</summary>
    public CallVolumeQuery(AcsStorage storage) => _storage = storage;

    /// <inheritdoc />
    public string Name => QueryKinds.CallVolume;

    /// <inheritdoc />
    public QueryFilters Filters => QueryFilters.Interval | QueryFilters.Resource;

    /// <inheritdoc />
    public async Task<IReadOnlyList<object>> RunAsync(QueryParameters parameters, CancellationToken cancellationToken = default)
    {
        var rows = await AggregateQuery.ReadAsync(_storage, TableNames.AggCallWindows, AggregateQuery.Filter(parameters), cancellationToken);
        var merged = AggregateQuery.Merge(
            rows.Select(CallWindowAggregate.FromEntity),
            a => (parameters.Interval.Floor(a.WindowStart), a.Resource.Key),
            a => new CallWindowAggregate { WindowStart = parameters.Interval.Floor(a.WindowStart), Resource = a.Resource },
            (acc, a) => acc.Merge(a));
        return [.. merged.OrderBy(a => a.WindowStart).ThenBy(a => a.Resource.Id, StringComparer.Ordinal).Select(CallVolumeRow.From)];
    }
}
