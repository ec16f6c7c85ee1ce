using Azure;
using Azure.Data.Tables;
using AcsFunctions.Storage;

namespace AcsFunctions.Retention;

/// <summary>The keys of the oldest row a filter matches: one single-row read (rows come in key order).</summary>
internal static class RetentionOldest
{
    public static async Task<(string PartitionKey, string RowKey)?> ReadAsync(TableClient table, string filter, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).AsPages())
            {
                ReadCost.Current?.Add(1, page.Values.Count);
                if (page.Values.Count > 0)
                {
                    return (page.Values[0].PartitionKey, page.Values[0].RowKey);
                }
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }

        return null;
    }
}
