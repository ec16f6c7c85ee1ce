using Azure.Data.Tables;
using AcsFunctions.Storage;

namespace AcsFunctions.Rollups;

/// <summary>
/// Recomputes the aggregates of windowed record partitions (minute window, resource, category) from their rows with
/// every <see cref="IWindowAggregator"/> that handles the category. A run of marks over contiguous minutes is read
/// with one range query per table (records with the aggregators' columns only; existing aggregate keys with
/// <c>RowKey</c> only), not one query per mark: the cost follows what changed, in rows and in round trips.
/// </summary>
internal sealed class WindowRollup
{
    private readonly AcsStorage _storage;
    private readonly IWindowAggregator[] _aggregators;
    private readonly AggregateWriter _writer;
    private readonly TierRollup _tiers;

    public WindowRollup(AcsStorage storage, IEnumerable<IWindowAggregator> aggregators, AggregateWriter writer, TierRollup tiers)
    {
        _storage = storage;
        _aggregators = [.. aggregators];
        _writer = writer;
        _tiers = tiers;
    }

    /// <summary>The aggregate tables this unit writes.</summary>
    public IEnumerable<string> Tables => _aggregators.Select(a => a.Table).Distinct(StringComparer.Ordinal);

    /// <summary>The aggregators that handle <paramref name="category"/>.</summary>
    public IReadOnlyList<IWindowAggregator> For(string category) => [.. _aggregators.Where(a => a.Handles(category))];

    /// <summary>The minute window of a window mark (the first part of its record partition key).</summary>
    public static DateTimeOffset WindowOf(TableEntity mark) => Windows.Parse(mark.RowKey.Split('|')[0]);

    /// <summary>
    /// Recomputes the record partitions of <paramref name="marks"/>, which lie in contiguous minutes (sorted by key):
    /// one range read of the records and one of each aggregate table's keys, then each partition's scopes replaced.
    /// </summary>
    public async Task RecomputeRangeAsync(IReadOnlyList<TableEntity> marks, RollupCounters counters, CancellationToken cancellationToken)
    {
        // A window marked by several ingest sources (#20) has a mark in each of their partitions: one unit.
        var units = marks.DistinctBy(m => m.RowKey, StringComparer.Ordinal).Select(Unit.Of).ToList();
        foreach (var unit in units)
        {
            counters.Window(unit.Window);
        }

        units = [.. units.Where(u => (u.Aggregators = For(u.Category)).Count > 0)];
        if (units.Count == 0)
        {
            return; // categories without aggregates (e.g. unclassified): nothing to recompute
        }

        var first = units.Min(u => u.Window);
        var last = units.Max(u => u.Window);
        var single = units.Count == 1 ? units[0] : null;
        var columns = units.SelectMany(u => u.Aggregators).SelectMany(a => a.SourceColumns).Distinct(StringComparer.Ordinal).ToList();

        // A window's records are in its shards (`base|sNN`) and, for a store written before #20, in the bare base key:
        // one mark reads all of them with one query, a run with one minute-range query whatever follows the minute.
        var recordFilter = single is not null
            ? KeyShards.PartitionFilter(single.Partition)
            : TableReads.PartitionRangeFilter(Windows.Key(first), Windows.Key(last.AddMinutes(1)));
        var records = await TableReads.QueryAsync(_storage.GetTable(TableNames.Records), recordFilter, columns, counters.Reads, cancellationToken);
        counters.RecordRowsRead(records.Count);
        var byPartition = records.GroupBy(r => RecordEntities.WindowBaseKey(r.PartitionKey), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, Distinct, StringComparer.Ordinal);

        foreach (var table in units.SelectMany(u => u.Aggregators).Select(a => a.Table).Distinct(StringComparer.Ordinal))
        {
            var aggregatorsOfTable = units.Where(u => u.Aggregators.Any(a => a.Table == table)).ToList();
            var keyFilter = single is not null
                ? TableReads.PrefixFilter(Windows.Key(single.Window), single.Aggregators.First(a => a.Table == table).ScopePrefix(single.ResourceKey, single.Category))
                : TableReads.PartitionRangeFilter(Windows.Key(first), Windows.Key(last.AddMinutes(1)));
            var existing = await TableReads.QueryAsync(_storage.GetTable(table), keyFilter, ["RowKey"], counters.Reads, cancellationToken);
            counters.AggregateRowsRead(existing.Count);
            var existingByPartition = existing.ToLookup(e => e.PartitionKey, e => e.RowKey, StringComparer.Ordinal);
            await _tiers.MarkHoursAsync(table, aggregatorsOfTable.Select(u => u.Window), cancellationToken);

            // One replacement per (window partition): every scope of the run in that partition at once.
            foreach (var window in aggregatorsOfTable.GroupBy(u => Windows.Key(u.Window), StringComparer.Ordinal))
            {
                var rows = new List<TableEntity>();
                var owned = new List<string>();
                foreach (var unit in window)
                {
                    foreach (var aggregator in unit.Aggregators.Where(a => a.Table == table))
                    {
                        var prefix = aggregator.ScopePrefix(unit.ResourceKey, unit.Category);
                        rows.AddRange(aggregator.Aggregate(unit.Window, unit.ResourceKey, unit.Category, byPartition.GetValueOrDefault(unit.Partition) ?? []));
                        owned.AddRange(existingByPartition[window.Key].Where(k => k.StartsWith(prefix, StringComparison.Ordinal)));
                    }
                }

                await _writer.ReplaceAtomicallyAsync(table, window.Key, rows, owned, counters, cancellationToken);
            }

            await _tiers.MarkHoursAsync(table, aggregatorsOfTable.Select(u => u.Window), cancellationToken); // and after (see MarkHoursAsync)
        }
    }

    /// <summary>
    /// The rows of one window, each record once: a record stored under the bare key before #20 and stored again in its
    /// shard (re-delivery or a backfill of the same period after the upgrade) has the same RowKey, its record id.
    /// </summary>
    internal static IReadOnlyList<TableEntity> Distinct(IEnumerable<TableEntity> rows)
    {
        var list = rows.ToList();
        return list.Exists(r => !KeyShards.HasSuffix(r.PartitionKey)) && list.Exists(r => KeyShards.HasSuffix(r.PartitionKey))
            ? [.. list.DistinctBy(r => r.RowKey, StringComparer.Ordinal)]
            : list;
    }

    private sealed class Unit
    {
        public required string Partition { get; init; }

        public required DateTimeOffset Window { get; init; }

        public required string ResourceKey { get; init; }

        public required string Category { get; init; }

        public IReadOnlyList<IWindowAggregator> Aggregators { get; set; } = [];

        public static Unit Of(TableEntity mark)
        {
            var parts = mark.RowKey.Split('|');
            return new Unit
            {
                Partition = mark.RowKey,
                Window = Windows.Parse(parts[0]),
                Category = mark.GetString("Category") ?? (parts.Length > 2 ? KeyEncoder.Decode(parts[2]) : string.Empty),
                ResourceKey = mark.GetString("ResourceKey") ?? (parts.Length > 1 ? KeyEncoder.Decode(parts[1]) : string.Empty),
            };
        }
    }
}
