using Azure.Data.Tables;
using AcsFunctions.Storage;

namespace AcsFunctions.Rollups;

/// <summary>
/// Recomputes the aggregates of one windowed record partition (minute window, resource, category) from its
/// rows — a single partition query — with every <see cref="IWindowAggregator"/> that handles the category.
/// </summary>
internal sealed class WindowRollup
{
    private readonly AcsStorage _storage;
    private readonly IWindowAggregator[] _aggregators;
    private readonly AggregateWriter _writer;

    public WindowRollup(AcsStorage storage, IEnumerable<IWindowAggregator> aggregators, AggregateWriter writer)
    {
        _storage = storage;
        _aggregators = [.. aggregators];
        _writer = writer;
    }

    /// <summary>The aggregate tables this unit writes.</summary>
    public IEnumerable<string> Tables => _aggregators.Select(a => a.Table).Distinct(StringComparer.Ordinal);

    public async Task RecomputeAsync(TableEntity mark, RollupCounters counters, CancellationToken cancellationToken)
    {
        var recordPartition = mark.RowKey;
        var parts = recordPartition.Split('|');
        var category = mark.GetString("Category") ?? (parts.Length > 2 ? KeyEncoder.Decode(parts[2]) : string.Empty);
        var resourceKey = mark.GetString("ResourceKey") ?? (parts.Length > 1 ? KeyEncoder.Decode(parts[1]) : string.Empty);
        var window = Windows.Parse(parts[0]);
        counters.Window(window);

        var aggregators = _aggregators.Where(a => a.Handles(category)).ToList();
        if (aggregators.Count == 0)
        {
            return; // a category without aggregates (e.g. unclassified): nothing to recompute
        }

        var columns = aggregators.SelectMany(a => a.SourceColumns).Distinct(StringComparer.Ordinal).ToList();
        var records = await TableReads.PartitionAsync(_storage.GetTable(TableNames.Records), recordPartition, columns, cancellationToken);
        counters.RecordRowsRead(records.Count);
        foreach (var aggregator in aggregators)
        {
            var rows = aggregator.Aggregate(window, resourceKey, category, records);
            await _writer.ReplacePrefixAsync(aggregator.Table, Windows.Key(window), aggregator.ScopePrefix(resourceKey, category), rows, counters, cancellationToken);
        }
    }
}
