using System.Collections.Frozen;
using Azure.Data.Tables;
using AcsFunctions.Storage;

namespace AcsFunctions.Rollups;

/// <summary>
/// API requests per operation and status code, for the request-like categories a schema folder hands it (the
/// API-request family and CallClientOperations; each folder adds its own instance, all write one table).
/// </summary>
public sealed class ApiRequestWindowAggregator : IWindowAggregator
{
    private readonly FrozenSet<string> _categories;

    /// <summary>Creates the aggregator of <paramref name="categories"/>.</summary>
    public ApiRequestWindowAggregator(IEnumerable<string> categories) =>
        _categories = categories.ToFrozenSet(StringComparer.Ordinal);

    /// <inheritdoc />
    public string Table => TableNames.AggApiRequests;

    /// <inheritdoc />
    public IReadOnlyList<string> SourceColumns => ApiRequestAggregate.SourceColumns;

    /// <inheritdoc />
    public bool Handles(string category) => _categories.Contains(category);

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
