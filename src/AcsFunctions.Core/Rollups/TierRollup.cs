using Azure.Data.Tables;
using AcsFunctions.Storage;

namespace AcsFunctions.Rollups;

/// <summary>
/// Recomputes one hour (or day) of one aggregate table from the rows below it — the hour's 60 minute partitions, or
/// the day's 24 hour partitions, in one range query — and replaces the period's rows. Hour and day marks are written
/// before the rows below them change (the window roll-ups mark hours, an hour marks its day), so a coarse row is
/// always either exact or covered by a pending mark (and flagged incomplete by queries).
/// </summary>
internal sealed class TierRollup
{
    private readonly AcsStorage _storage;
    private readonly AggregateWriter _writer;
    private readonly MarkStore _marks;

    public TierRollup(AcsStorage storage, AggregateWriter writer, MarkStore marks)
    {
        _storage = storage;
        _writer = writer;
        _marks = marks;
    }

    /// <summary>Marks the hours of <paramref name="windows"/> of <paramref name="table"/> for recompute (before their minutes change).</summary>
    public Task MarkHoursAsync(string table, IEnumerable<DateTimeOffset> windows, CancellationToken cancellationToken) =>
        Task.WhenAll(windows.Select(CoarseTiers.FloorHour).Distinct().Select(hour =>
            _marks.MarkAsync(RollupMarkKinds.Hour, CoarseTiers.MarkKey(CoarseTiers.HourKey(hour), table), string.Empty, RollupMarkKinds.Hour, hour, cancellationToken)));

    public async Task RecomputeAsync(string kind, TableEntity mark, RollupCounters counters, CancellationToken cancellationToken)
    {
        var (start, table) = CoarseTiers.ParseMark(mark.RowKey);
        var hour = kind == RollupMarkKinds.Hour;
        var sourceFilter = hour
            ? TableReads.PartitionRangeFilter(Windows.Key(start), Windows.Key(start.AddHours(1)))
            : TableReads.PartitionRangeFilter(CoarseTiers.HourKey(start), CoarseTiers.HourKey(start.AddDays(1)));
        var target = hour ? CoarseTiers.HourKey(start) : CoarseTiers.DayKey(start);
        if (hour)
        {
            var day = CoarseTiers.FloorDay(start);
            await _marks.MarkAsync(RollupMarkKinds.Day, CoarseTiers.MarkKey(CoarseTiers.DayKey(day), table), string.Empty, RollupMarkKinds.Day, day, cancellationToken);
        }

        var source = await TableReads.QueryAsync(_storage.GetTable(table), sourceFilter, null, counters.Reads, cancellationToken);
        var existing = await TableReads.QueryAsync(_storage.GetTable(table), TableClient.CreateQueryFilter($"PartitionKey eq {target}"), ["RowKey"], counters.Reads, cancellationToken);
        counters.AggregateRowsRead(source.Count + existing.Count);
        var rows = CoarseTiers.Merge(table, source, start, target);
        await _writer.ReplaceAtomicallyAsync(table, target, rows, existing.Select(e => e.RowKey), counters, cancellationToken);
    }
}
