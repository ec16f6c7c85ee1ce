using Microsoft.Extensions.Options;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;

namespace AcsFunctions.Queries;

/// <summary>
/// <c>call-volume</c>: calls per (call-start window, resource), merged to the interval (view <c>detail</c>, the default),
/// or per window summed over every resource the filters select (view <c>totals</c>: one point per interval for a chart).
/// </summary>
public sealed class CallVolumeQuery : IQueryKind
{
    /// <summary>One row per window and resource (the default view).</summary>
    public const string DetailView = "detail";

    /// <summary>One row per window, summed over the selected resources (duration histograms merged).</summary>
    public const string TotalsView = "totals";

    private readonly AcsStorage _storage;

    private readonly TierReads _coarse;

    /// <summary>Creates the query; <paramref name="options"/> says whether hourly and daily rows are read (default yes).</summary>
    public CallVolumeQuery(AcsStorage storage, IOptions<QueryOptions>? options = null)
    {
        _storage = storage;
        _coarse = QueryOptions.ReadsOf(options);
    }

    /// <inheritdoc />
    public string Name => QueryKinds.CallVolume;

    /// <inheritdoc/>
    public IReadOnlyList<string> AggregateTables => [TableNames.AggCallWindows];

    /// <inheritdoc />
    public QueryFilters Filters => QueryFilters.Interval | QueryFilters.Resource;

    /// <summary>The views (the first is the default), also without an instance: <see cref="QueryKinds.Views"/>.</summary>
    public static IReadOnlyList<string> AllViews { get; } = [DetailView, TotalsView];

    /// <inheritdoc />
    public IReadOnlyList<string> Views => AllViews;

    /// <inheritdoc />
    public Type? RowType(string? view) => view == TotalsView ? typeof(CallVolumeTotalRow) : typeof(CallVolumeRow);

    /// <inheritdoc />
    public Task<IReadOnlyList<object>> RunAsync(QueryParameters parameters, CancellationToken cancellationToken = default) =>
        RunAsync(parameters, new QueryContext(), cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<object>> RunAsync(QueryParameters parameters, QueryContext context, CancellationToken cancellationToken)
    {
        var rows = await AggregateQuery.ReadTiledAsync(_storage, TableNames.AggCallWindows, parameters, _coarse, context, cancellationToken);
        var merged = AggregateQuery.MergeInPlace(
            rows.Select(e =>
            {
                var aggregate = CallWindowAggregate.FromEntity(e);
                aggregate.WindowStart = parameters.Interval.Floor(aggregate.WindowStart);
                return aggregate;
            }),
            a => (a.WindowStart, a.Resource.Key),
            (first, a) => first.Merge(a));
        if (parameters.View == TotalsView)
        {
            var totals = AggregateQuery.Merge(
                merged,
                a => a.WindowStart,
                a => new CallWindowAggregate { WindowStart = a.WindowStart, Resource = a.Resource },
                (acc, a) => acc.Merge(a));
            return [.. totals.OrderBy(a => a.WindowStart).Select(CallVolumeTotalRow.From)];
        }

        return [.. merged.OrderBy(a => a.WindowStart).ThenBy(a => a.Resource.Id, StringComparer.Ordinal).Select(CallVolumeRow.From)];
    }
}
