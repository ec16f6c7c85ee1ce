using Azure;
using Azure.Data.Tables;

namespace AcsFunctions.Storage;

/// <summary>Partition and range reads (never scans); a table that does not exist yet reads as empty.</summary>
public static class TableReads
{
    /// <summary>Every row of one partition, with only <paramref name="select"/> columns (null = all).</summary>
    public static Task<List<TableEntity>> PartitionAsync(TableClient table, string partitionKey, IEnumerable<string>? select, CancellationToken cancellationToken = default) =>
        QueryAsync(table, TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}"), select, cancellationToken);

    /// <summary>The rows of one partition whose RowKey starts with <paramref name="rowKeyPrefix"/>.</summary>
    public static Task<List<TableEntity>> PrefixAsync(TableClient table, string partitionKey, string rowKeyPrefix, IEnumerable<string>? select, CancellationToken cancellationToken = default) =>
        QueryAsync(table, PrefixFilter(partitionKey, rowKeyPrefix), select, cancellationToken);

    /// <summary>
    /// The filter for the partitions whose key starts with a key in <c>[fromPrefix, toPrefix)</c>: one range query over
    /// contiguous partitions (e.g. minute windows <c>yyyyMMddHHmm</c>, whatever follows them in the key, so that a later
    /// suffix such as a shard number stays inside the range).
    /// </summary>
    public static string PartitionRangeFilter(string fromPrefix, string toPrefix) =>
        TableClient.CreateQueryFilter($"PartitionKey ge {fromPrefix} and PartitionKey lt {toPrefix}");

    /// <summary>The filter for the rows of one partition whose RowKey starts with <paramref name="rowKeyPrefix"/>.</summary>
    public static string PrefixFilter(string partitionKey, string rowKeyPrefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(rowKeyPrefix);
        var end = string.Concat(rowKeyPrefix.AsSpan(0, rowKeyPrefix.Length - 1), ((char)(rowKeyPrefix[^1] + 1)).ToString());
        return TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge {rowKeyPrefix} and RowKey lt {end}");
    }

    /// <summary>Every row matching <paramref name="filter"/>; a projection always includes the keys.</summary>
    public static Task<List<TableEntity>> QueryAsync(TableClient table, string filter, IEnumerable<string>? select, CancellationToken cancellationToken = default) =>
        QueryAsync(table, filter, select, null, cancellationToken);

    /// <summary>
    /// Every row matching <paramref name="filter"/>; a projection always includes the keys. Each page is one round
    /// trip, counted with the rows in <paramref name="cost"/> when given.
    /// </summary>
    public static async Task<List<TableEntity>> QueryAsync(TableClient table, string filter, IEnumerable<string>? select, ReadCost? cost, CancellationToken cancellationToken = default)
    {
        var rows = new List<TableEntity>();
        var columns = select is null ? null : new[] { "PartitionKey", "RowKey" }.Concat(select).Distinct(StringComparer.Ordinal).ToList();
        try
        {
            await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: columns, cancellationToken: cancellationToken).AsPages())
            {
                cost?.Add(1, page.Values.Count);
                if (!ReferenceEquals(ReadCost.Current, cost))
                {
                    ReadCost.Current?.Add(1, page.Values.Count);
                }
                rows.AddRange(page.Values);
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // The table was never written: nothing to read.
        }

        return rows;
    }

    /// <summary>One row, or null when it (or its table) does not exist.</summary>
    public static async Task<TableEntity?> PointAsync(TableClient table, string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken);
            return response.HasValue ? response.Value : null;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }
}
