using Azure.Data.Tables;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;

namespace AcsFunctions.Queries;

/// <summary>
/// Reads aggregate rows for a query: a PartitionKey range over the minute windows in <c>[from, to)</c> plus the
/// filters, every value escaped by <see cref="TableClient.CreateQueryFilter(FormattableString)"/>.
/// </summary>
public static class AggregateQuery
{
    /// <summary>The filter over the window range and the resource, plus equality on optional columns.</summary>
    public static string Filter(QueryParameters parameters, params (string Column, string? Value)[] equals)
    {
        var parts = new List<string>
        {
            TableClient.CreateQueryFilter($"PartitionKey ge {parameters.FromWindowKey} and PartitionKey lt {parameters.ToWindowKey}"),
        };
        if (parameters.Resource is { } resource)
        {
            parts.Add(TableClient.CreateQueryFilter($"ResourceName eq {resource}"));
        }

        foreach (var (column, value) in equals)
        {
            if (value is not null)
            {
                // The column name is ours (a constant); only the value comes from the caller.
                parts.Add(column + TableClient.CreateQueryFilter($" eq {value}"));
            }
        }

        return string.Join(" and ", parts);
    }

    /// <summary>Reads the rows of a logical table matching <paramref name="filter"/> (none when the table does not exist).</summary>
    public static Task<List<TableEntity>> ReadAsync(AcsStorage storage, string table, string filter, CancellationToken cancellationToken = default) =>
        TableReads.QueryAsync(storage.GetTable(table), filter, null, cancellationToken);

    /// <summary>Groups items by a key and merges each group into a fresh accumulator.</summary>
    public static List<TAccumulator> Merge<TItem, TKey, TAccumulator>(
        IEnumerable<TItem> items,
        Func<TItem, TKey> key,
        Func<TItem, TAccumulator> create,
        Action<TAccumulator, TItem> merge)
        where TKey : notnull
    {
        var groups = new Dictionary<TKey, TAccumulator>();
        var order = new List<TAccumulator>();
        foreach (var item in items)
        {
            var k = key(item);
            if (!groups.TryGetValue(k, out var accumulator))
            {
                accumulator = create(item);
                groups[k] = accumulator;
                order.Add(accumulator);
            }

            merge(accumulator, item);
        }

        return order;
    }
}
