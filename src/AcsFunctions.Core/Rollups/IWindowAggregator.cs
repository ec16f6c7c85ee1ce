using Azure.Data.Tables;

namespace AcsFunctions.Rollups;

/// <summary>
/// Turns the stored records of one windowed record partition — one (minute window, resource, category) — into
/// aggregate rows. The roll-up replaces every row under <see cref="ScopePrefix"/> in that window's partition of
/// <see cref="Table"/> with the result, so a recompute is exact whatever was there before. Register
/// implementations as <see cref="IWindowAggregator"/> singletons (several may handle one category).
/// </summary>
public interface IWindowAggregator
{
    /// <summary>The logical aggregate table (PartitionKey = window key).</summary>
    string Table { get; }

    /// <summary>The record columns the aggregator reads (the roll-up selects only these).</summary>
    IReadOnlyList<string> SourceColumns { get; }

    /// <summary>True when this aggregator rolls up records of <paramref name="category"/>.</summary>
    bool Handles(string category);

    /// <summary>The RowKey prefix owned by one record partition; it must end with <c>|</c>.</summary>
    string ScopePrefix(string resourceKey, string category);

    /// <summary>Aggregates the records of one partition (all of one window, resource and category).</summary>
    IReadOnlyList<TableEntity> Aggregate(DateTimeOffset window, string resourceKey, string category, IReadOnlyList<TableEntity> records);
}
