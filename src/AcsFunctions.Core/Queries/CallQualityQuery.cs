using Microsoft.Extensions.Options;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;

namespace AcsFunctions.Queries;

/// <summary>
/// <c>call-quality</c>: stream quality per (call-start window, resource, media type, direction, transport) (view
/// <c>detail</c>, the default), or per window summed over all of them (view <c>totals</c>: one point per interval for
/// the poor-stream charts).
/// </summary>
public sealed class CallQualityQuery : IQueryKind
{
    /// <summary>One row per window, resource, media type, direction and transport (the default view).</summary>
    public const string DetailView = "detail";

    /// <summary>One row per window: streams, poor streams and poor reasons over every selected resource and group.</summary>
    public const string TotalsView = "totals";

    private readonly AcsStorage _storage;

    private readonly TierReads _coarse;

    /// <summary>Creates the query; <paramref name="options"/> says whether hourly and daily rows are read (default yes).</summary>
    public CallQualityQuery(AcsStorage storage, IOptions<QueryOptions>? options = null)
    {
        _storage = storage;
        _coarse = QueryOptions.ReadsOf(options);
    }

    /// <inheritdoc />
    public string Name => QueryKinds.CallQuality;

    /// <inheritdoc/>
    public IReadOnlyList<string> AggregateTables => [TableNames.AggStreamQuality];

    /// <inheritdoc />
    public QueryFilters Filters => QueryFilters.Interval | QueryFilters.Resource;

    /// <summary>The views (the first is the default), also without an instance: <see cref="QueryKinds.Views"/>.</summary>
    public static IReadOnlyList<string> AllViews { get; } = [DetailView, TotalsView];

    /// <inheritdoc />
    public IReadOnlyList<string> Views => AllViews;

    /// <inheritdoc />
    public Type? RowType(string? view) => view == TotalsView ? typeof(CallQualityTotalRow) : typeof(CallQualityRow);

    /// <inheritdoc />
    public Task<IReadOnlyList<object>> RunAsync(QueryParameters parameters, CancellationToken cancellationToken = default) =>
        RunAsync(parameters, new QueryContext(), cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<object>> RunAsync(QueryParameters parameters, QueryContext context, CancellationToken cancellationToken)
    {
        var rows = await AggregateQuery.ReadTiledAsync(_storage, TableNames.AggStreamQuality, parameters, _coarse, context, cancellationToken);
        var merged = AggregateQuery.Merge(
            rows.Select(e => (Window: parameters.Interval.Floor(EntityValues.Time(e, "WindowStart") ?? Windows.Parse(e.PartitionKey)), Resource: ResourceInfo.Read(e), Group: StreamGroup.FromEntity(e))),
            r => (r.Window, r.Resource.Key, r.Group.MediaType, r.Group.Direction, r.Group.Transport),
            r => (r.Window, r.Resource, Group: r.Group.EmptyCopy()),
            (acc, r) => acc.Group.Merge(r.Group));
        if (parameters.View == TotalsView)
        {
            var totals = AggregateQuery.Merge(
                merged,
                m => m.Window,
                m => (m.Window, Group: new StreamGroup { MediaType = "all", Direction = "all", Transport = "all" }),
                (acc, m) => acc.Group.Merge(m.Group));
            return [.. totals.OrderBy(t => t.Window).Select(t => CallQualityTotalRow.From(t.Window, t.Group))];
        }

        return
        [
            .. merged.OrderBy(m => m.Window)
                .ThenBy(m => m.Resource.Id, StringComparer.Ordinal)
                .ThenBy(m => m.Group.MediaType, StringComparer.Ordinal)
                .ThenBy(m => m.Group.Direction, StringComparer.Ordinal)
                .ThenBy(m => m.Group.Transport, StringComparer.Ordinal)
                .Select(m => CallQualityRow.From(m.Window, m.Resource, m.Group)),
        ];
    }
}
