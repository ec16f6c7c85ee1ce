using Microsoft.Extensions.Options;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;

namespace AcsFunctions.Queries;

/// <summary><c>call-volume</c>: calls per (call-start window, resource), merged to the interval.</summary>
public sealed class CallVolumeQuery : IQueryKind
{
    private readonly AcsStorage _storage;

    private readonly bool _coarse;

    /// <summary>Creates the query; <paramref name="options"/> says whether hourly and daily rows are read (default yes).</summary>
    public CallVolumeQuery(AcsStorage storage, IOptions<QueryOptions>? options = null)
    {
        _storage = storage;
        _coarse = options?.Value.CoarseRows ?? true;
    }

    /// <inheritdoc />
    public string Name => QueryKinds.CallVolume;

    /// <inheritdoc />
    public QueryFilters Filters => QueryFilters.Interval | QueryFilters.Resource;

    /// <inheritdoc />
    public async Task<IReadOnlyList<object>> RunAsync(QueryParameters parameters, CancellationToken cancellationToken = default)
    {
        var rows = await AggregateQuery.ReadTiledAsync(_storage, TableNames.AggCallWindows, parameters, _coarse, cancellationToken);
        var merged = AggregateQuery.Merge(
            rows.Select(CallWindowAggregate.FromEntity),
            a => (parameters.Interval.Floor(a.WindowStart), a.Resource.Key),
            a => new CallWindowAggregate { WindowStart = parameters.Interval.Floor(a.WindowStart), Resource = a.Resource },
            (acc, a) => acc.Merge(a));
        return [.. merged.OrderBy(a => a.WindowStart).ThenBy(a => a.Resource.Id, StringComparer.Ordinal).Select(CallVolumeRow.From)];
    }
}
