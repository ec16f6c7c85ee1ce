using Azure.Data.Tables;
using AcsFunctions.Storage;

namespace AcsFunctions.Rollups;

/// <summary>
/// Counts the records of one category per combination of key columns (and optionally sums a quantity column):
/// the reusable aggregate of a schema folder (email delivery and engagement, usage). Key values are stored as text under the same column names
/// (absent → empty), with <c>Count</c> and, when summing, <c>Quantity</c>.
/// </summary>
public sealed class KeyedCountAggregator : IWindowAggregator
{
    private readonly string _category;
    private readonly string[] _keyColumns;
    private readonly string? _quantityColumn;

    /// <summary>Creates the aggregator.</summary>
    public KeyedCountAggregator(string table, string category, IReadOnlyList<string> keyColumns, string? quantityColumn = null)
    {
        Table = table;
        _category = category;
        _keyColumns = [.. keyColumns];
        _quantityColumn = quantityColumn;
        SourceColumns = [.. keyColumns, .. quantityColumn is null ? Array.Empty<string>() : [quantityColumn], "ResourceKey", "ResourceId", "ResourceName"];
    }

    /// <inheritdoc />
    public string Table { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> SourceColumns { get; }

    /// <summary>The key columns.</summary>
    public IReadOnlyList<string> KeyColumns => _keyColumns;

    /// <inheritdoc />
    public bool Handles(string category) => category == _category;

    /// <inheritdoc />
    public string ScopePrefix(string resourceKey, string category) => KeyEncoder.Encode(resourceKey) + "|";

    /// <inheritdoc />
    public IReadOnlyList<TableEntity> Aggregate(DateTimeOffset window, string resourceKey, string category, IReadOnlyList<TableEntity> records)
    {
        var groups = new Dictionary<string, (TableEntity Entity, long Count, double Quantity)>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            var values = _keyColumns.Select(c => EntityValues.Text(record, c) ?? string.Empty).ToArray();
            var rowKey = KeyEncoder.Join([resourceKey, .. values]);
            if (!groups.TryGetValue(rowKey, out var group))
            {
                var entity = new TableEntity(Windows.Key(window), rowKey);
                ResourceInfo.Read(record, resourceKey).WriteTo(entity, window);
                for (var i = 0; i < _keyColumns.Length; i++)
                {
                    entity[_keyColumns[i]] = values[i];
                }

                group = (entity, 0, 0);
            }

            var quantity = _quantityColumn is null ? 0 : EntityValues.Number(record, _quantityColumn) ?? 0;
            groups[rowKey] = (group.Entity, group.Count + 1, group.Quantity + quantity);
        }

        var rows = new List<TableEntity>(groups.Count);
        foreach (var (entity, count, quantity) in groups.Values)
        {
            entity["Count"] = count;
            if (_quantityColumn is not null)
            {
                entity["Quantity"] = quantity;
            }

            rows.Add(entity);
        }

        return rows;
    }
}
