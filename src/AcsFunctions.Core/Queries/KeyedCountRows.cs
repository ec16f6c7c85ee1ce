using Azure.Data.Tables;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;

namespace AcsFunctions.Queries;

/// <summary>Reads rows written by a <see cref="KeyedCountAggregator"/> and merges them to the query interval.</summary>
public static class KeyedCountRows
{
    /// <summary>One merged row: window, resource, key values (in key-column order), count and quantity.</summary>
    /// <param name="WindowStart">Interval start.</param>
    /// <param name="Resource">The resource.</param>
    /// <param name="Keys">Key values in the aggregator's column order (empty text = absent).</param>
    /// <param name="Count">Records.</param>
    /// <param name="Quantity">Summed quantity (0 when the aggregator sums none).</param>
    public sealed record Row(DateTimeOffset WindowStart, ResourceInfo Resource, IReadOnlyList<string> Keys, long Count, double Quantity);

    /// <summary>Reads and merges the rows of <paramref name="aggregator"/>'s table; the marks its page reads see go to <paramref name="context"/>.</summary>
    public static async Task<List<Row>> ReadAsync(
        AcsStorage storage, KeyedCountAggregator aggregator, QueryParameters parameters, TierReads? reads = null, QueryContext? context = null, CancellationToken cancellationToken = default)
    {
        var entities = await AggregateQuery.ReadTiledAsync(storage, aggregator.Table, parameters, reads ?? TierReads.All, context, cancellationToken);
        var merged = AggregateQuery.Merge(
            entities.Select(e => ToRow(e, aggregator.KeyColumns, parameters.Interval)),
            r => (r.WindowStart, r.Resource.Key, string.Join('\u001f', r.Keys)),
            r => new Accumulator(r.WindowStart, r.Resource, r.Keys),
            (acc, r) =>
            {
                acc.Count += r.Count;
                acc.Quantity += r.Quantity;
            });
        return
        [
            .. merged.Select(a => new Row(a.WindowStart, a.Resource, a.Keys, a.Count, a.Quantity))
                .OrderBy(r => r.WindowStart)
                .ThenBy(r => r.Resource.Id, StringComparer.Ordinal)
                .ThenBy(r => string.Join('\u001f', r.Keys), StringComparer.Ordinal),
        ];
    }

    private static Row ToRow(TableEntity entity, IReadOnlyList<string> keyColumns, QueryInterval interval) => new(
        interval.Floor(EntityValues.Time(entity, "WindowStart") ?? Windows.Parse(entity.PartitionKey)),
        ResourceInfo.Read(entity),
        [.. keyColumns.Select(c => EntityValues.Text(entity, c) ?? string.Empty)],
        entity.GetInt64("Count") ?? 0,
        EntityValues.Number(entity, "Quantity") ?? 0);

    private sealed class Accumulator(DateTimeOffset windowStart, ResourceInfo resource, IReadOnlyList<string> keys)
    {
        public DateTimeOffset WindowStart { get; } = windowStart;

        public ResourceInfo Resource { get; } = resource;

        public IReadOnlyList<string> Keys { get; } = keys;

        public long Count { get; set; }

        public double Quantity { get; set; }
    }
}
