using Azure.Data.Tables;
using AcsFunctions.Dispatch;
using AcsFunctions.Storage;

namespace AcsFunctions.Rollups;

/// <summary>API requests (every API-request category and CallClientOperations) per operation and status code.</summary>
public sealed class ApiRequestWindowAggregator : IWindowAggregator
{
    /// <inheritdoc />
    public string Table => TableNames.AggApiRequests;

    /// <inheritdoc />
    public IReadOnlyList<string> SourceColumns => ApiRequestAggregate.SourceColumns;

    /// <inheritdoc />
    public bool Handles(string category) =>
        category == Categories.CallClientOperations || Categories.ApiRequestFamily.Contains(category);

    /// <inheritdoc />
    public string ScopePrefix(string resourceKey, string category) => KeyEncoder.Join(resourceKey, category) + "|";

    /// <inheritdoc />
    public IReadOnlyList<TableEntity> Aggregate(DateTimeOffset window, string resourceKey, string category, IReadOnlyList<TableEntity> records)
    {
        var groups = new Dictionary<(string, string), ApiRequestAggregate>();
        foreach (var record in records)
        {
            var key = ApiRequestAggregate.KeyOf(record);
            if (!groups.TryGetValue(key, out var aggregate))
            {
                aggregate = new ApiRequestAggregate
                {
                    WindowStart = window,
                    Resource = ResourceInfo.Read(record, resourceKey),
                    Category = category,
                    Operation = key.Item1,
                    StatusCode = key.Item2,
                };
                groups[key] = aggregate;
            }

            aggregate.Add(record);
        }

        return [.. groups.Values.Select(a => a.ToEntity())];
    }
}
