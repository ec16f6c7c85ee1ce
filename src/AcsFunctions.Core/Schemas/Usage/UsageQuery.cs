using AcsFunctions.Queries;
using AcsFunctions.Storage;
using Microsoft.Extensions.Options;

namespace AcsFunctions.Schemas.Usage;

/// <summary><c>usage</c>: usage quantity per (window, resource, usage type, unit).</summary>
public sealed class UsageQuery : IQueryKind
{
    private readonly AcsStorage _storage;

    private readonly TierReads _coarse;

    /// <summary>Creates the query; <paramref name="options"/> says whether hourly and daily rows are read (default yes).</summary>
    public UsageQuery(AcsStorage storage, IOptions<QueryOptions>? options = null)
    {
        _storage = storage;
        _coarse = QueryOptions.ReadsOf(options);
    }

    /// <inheritdoc />
    public string Name => QueryKinds.Usage;

    /// <inheritdoc/>
    public IReadOnlyList<string> AggregateTables => [TableNames.AggUsage];

    /// <inheritdoc />
    public QueryFilters Filters => QueryFilters.Interval | QueryFilters.Resource;

    /// <inheritdoc />
    public Type? RowType(string? view) => typeof(UsageRow);

    /// <inheritdoc />
    public Task<IReadOnlyList<object>> RunAsync(QueryParameters parameters, CancellationToken cancellationToken = default) =>
        RunAsync(parameters, new QueryContext(), cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<object>> RunAsync(QueryParameters parameters, QueryContext context, CancellationToken cancellationToken)
    {
        var rows = await KeyedCountRows.ReadAsync(_storage, UsageModule.Aggregate, parameters, _coarse, context, cancellationToken);
        return
        [
            .. rows.Select(r => new UsageRow
            {
                WindowStart = r.WindowStart,
                ResourceId = r.Resource.Id,
                ResourceName = r.Resource.Name,
                UsageType = r.Keys[0].Length == 0 ? null : r.Keys[0],
                UnitType = r.Keys[1].Length == 0 ? null : r.Keys[1],
                Records = r.Count,
                Quantity = Math.Round(r.Quantity, 6, MidpointRounding.AwayFromZero), // sums of doubles differ in the last bits with the order (minute, hourly or daily rows)
            }),
        ];
    }
}
