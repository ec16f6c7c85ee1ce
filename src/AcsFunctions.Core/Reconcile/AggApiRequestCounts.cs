using AcsFunctions.Records;
using AcsFunctions.Storage;
using Azure;
using Azure.Data.Tables;

namespace AcsFunctions.Reconcile;

/// <summary>
/// Reads <c>AggApiRequests</c> (PartitionKey = minute window, RowKey = <c>resourceKey|category|operation|status</c>)
/// with one range query: windows in range, RowKeys of the resource.
/// </summary>
public sealed class AggApiRequestCounts : IApiRequestCounts
{
    private readonly AcsStorage _storage;

    /// <summary>Creates the reader.</summary>
    public AggApiRequestCounts(AcsStorage storage) => _storage = storage;

    /// <inheritdoc />
    public async Task<IReadOnlyList<ApiRequestCount>> GetAsync(string resourceId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        var resourceKey = KeyEncoder.Encode(ResourceRef.Parse(resourceId).Key);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey ge {Windows.Key(from)} and PartitionKey lt {Windows.Key(to)} and RowKey gt {resourceKey + "|"} and RowKey lt {resourceKey + "}"}");
        var counts = new List<ApiRequestCount>();
        try
        {
            var select = new[] { "PartitionKey", "Category", "Operation", "StatusCode", "Count" };
            await foreach (var e in _storage.GetTable(TableNames.AggApiRequests).QueryAsync<TableEntity>(filter, select: select, cancellationToken: cancellationToken))
            {
                counts.Add(new ApiRequestCount(
                    e.GetString("Category") ?? "unknown",
                    e.GetString("Operation") ?? "unknown",
                    e.GetString("StatusCode") ?? "unknown",
                    Windows.Parse(e.PartitionKey),
                    e.GetInt64("Count") ?? 0));
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No roll-up has run yet: we have nothing.
        }

        return counts;
    }
}
