using System.Runtime.CompilerServices;
using Azure.Data.Tables;
using AcsFunctions.Retention;
using AcsFunctions.Storage;
using Microsoft.Extensions.Logging;

namespace AcsFunctions.Rollups;

/// <summary>
/// Recomputes one hour (or day) of one aggregate table from the rows below it — the hour's 60 minute partitions, or
/// the day's 24 hour partitions, in one range query — and replaces the period's rows. Hour and day marks are written
/// before the rows below them change (the window roll-ups mark hours, an hour marks its day), so a coarse row is
/// always either exact or covered by a pending mark (and flagged incomplete by queries).
/// <para>
/// Retention deletes minute rows once their hour and day rows exist, and hourly rows once their day rows exist; it
/// records the cutoffs it deleted below (<see cref="RetentionState"/>). A period whose finer rows may be gone is never
/// rebuilt from what is left (that would lose the deleted rows' counts): an hour is rebuilt from its raw rows — the
/// records, or the per-call rows for the call-window tables — while retention still keeps them; otherwise the hour (or
/// day) keeps its exact rows, and the period is recorded as a <see cref="RollupMarkKinds.Late"/> mark (counted by the run
/// and shown as backlog by <c>query health</c>). See docs/retention.md.
/// </para>
/// </summary>
internal sealed class TierRollup
{
    private readonly AcsStorage _storage;
    private readonly AggregateWriter _writer;
    private readonly MarkStore _marks;
    private readonly IWindowAggregator[] _aggregators;
    private readonly ILogger<TierRollup> _logger;
    private readonly ConditionalWeakTable<RollupCounters, Task<RetentionState>> _trimmed = [];

    public TierRollup(AcsStorage storage, AggregateWriter writer, MarkStore marks, IEnumerable<IWindowAggregator> aggregators, ILogger<TierRollup> logger)
    {
        _storage = storage;
        _writer = writer;
        _marks = marks;
        _aggregators = [.. aggregators];
        _logger = logger;
    }

    /// <summary>
    /// Marks the hours of <paramref name="windows"/> of <paramref name="table"/> for recompute: before their minutes change,
    /// and again after they are written. Marking only before leaves a race: a roll-up that claims the hour mark
    /// after the first mark and reads the minutes before they are written completes its mark with the old minutes, and
    /// the hour stays wrong with nothing pending. The second mark replaces the claimed one, so that completion fails and
    /// the hour is recomputed; a writer that stops between the two leaves the first mark pending.
    /// </summary>
    public Task MarkHoursAsync(string table, IEnumerable<DateTimeOffset> windows, CancellationToken cancellationToken) =>
        Task.WhenAll(windows.Select(CoarseTiers.FloorHour).Distinct().Select(hour =>
            _marks.MarkAsync(RollupMarkKinds.Hour, CoarseTiers.MarkKey(CoarseTiers.HourKey(hour), table), string.Empty, RollupMarkKinds.Hour, hour, cancellationToken)));

    public async Task RecomputeAsync(string kind, TableEntity mark, RollupCounters counters, CancellationToken cancellationToken)
    {
        var (start, table) = CoarseTiers.ParseMark(mark.RowKey);
        var hour = kind == RollupMarkKinds.Hour;
        var target = hour ? CoarseTiers.HourKey(start) : CoarseTiers.DayKey(start);
        var day = CoarseTiers.FloorDay(start);
        var trimmed = await TrimmedAsync(counters, cancellationToken);
        var hoursComplete = day >= trimmed.TrimmedBefore(table, "hour");
        var minuteFilter = TableReads.PartitionRangeFilter(Windows.Key(start), Windows.Key(start.AddHours(1)));
        var hourFilter = TableReads.PartitionRangeFilter(CoarseTiers.HourKey(start), CoarseTiers.HourKey(start.AddDays(1)));
        if (hoursComplete && (!hour || start >= trimmed.TrimmedBefore(table, "minute")))
        {
            // Retention never deleted below this period: rebuilt from the rows below it.
            await ReplaceAsync(hour, table, start, target, await ReadAsync(table, hour ? minuteFilter : hourFilter, counters, cancellationToken), null, true, counters, cancellationToken);
            return;
        }

        // The rows below the period may be partly gone. The day is still rebuilt from its hours when it has no rows yet
        // (hourly rows go only once their day row exists); otherwise neither it nor an hour of it may change.
        var existing = await KeysAsync(table, target, counters, cancellationToken);
        var dayExact = hoursComplete || (hour ? await KeysAsync(table, CoarseTiers.DayKey(day), counters, cancellationToken) : existing).Count == 0;
        List<TableEntity>? source = null;
        if (dayExact && !hour)
        {
            source = await ReadAsync(table, hourFilter, counters, cancellationToken);
        }
        else if (dayExact && ((existing.Count == 0 && start >= trimmed.TrimmedBefore(table, "hour")) || start >= trimmed.TrimmedBefore(table, "minute")))
        {
            // Every minute row of the hour is there: the hour never had rows (minute rows go only once their hour and
            // day rows exist) and hourly retention never reached it.
            source = await ReadAsync(table, minuteFilter, counters, cancellationToken);
        }
        else if (dayExact && start >= trimmed.TrimmedBefore(RawTable(table), RawTier(table)))
        {
            source = await RawMinutesAsync(table, start, counters, cancellationToken);
        }

        if (source is null)
        {
            await RefuseAsync(kind, mark.RowKey, start, table, counters, cancellationToken);
            return;
        }

        await ReplaceAsync(hour, table, start, target, source, existing, hoursComplete, counters, cancellationToken);
    }

    /// <summary>
    /// Marks the day of an hour (before the hour's rows change), then makes the period's rows the merge of
    /// <paramref name="source"/>; the existing keys are read last (when not given), just before the write. A day then
    /// writes its pages (<see cref="CoarsePages"/>): the hour page from the hourly rows it read — only when retention
    /// deleted none of them (<paramref name="hoursComplete"/>; otherwise the hour page goes) — and the day page from the
    /// daily rows it wrote. Its mark is completed only after that, so a run that stops before leaves the day pending.
    /// </summary>
    private async Task ReplaceAsync(
        bool hour, string table, DateTimeOffset start, string target, List<TableEntity> source, List<string>? existing, bool hoursComplete, RollupCounters counters, CancellationToken cancellationToken)
    {
        if (hour)
        {
            await MarkDayAsync(table, start, cancellationToken);
        }

        existing ??= await KeysAsync(table, target, counters, cancellationToken);
        var rows = CoarseTiers.Merge(table, source, start, target);
        await _writer.ReplaceAtomicallyAsync(table, target, rows, existing, counters, cancellationToken);
        if (!hour)
        {
            await _writer.ReplacePagesAsync(table, start, [(CoarsePages.DayPage, rows), (CoarsePages.HourPage, hoursComplete ? source : null)], counters, cancellationToken);
        }
        else
        {
            // And again after: a roll-up that claimed the day between the first mark and this write may have read the
            // hour's old rows; the new mark makes its completion fail, so the day is recomputed (see MarkHoursAsync).
            await MarkDayAsync(table, start, cancellationToken);
        }
    }

    private Task MarkDayAsync(string table, DateTimeOffset hour, CancellationToken cancellationToken)
    {
        var day = CoarseTiers.FloorDay(hour);
        return _marks.MarkAsync(RollupMarkKinds.Day, CoarseTiers.MarkKey(CoarseTiers.DayKey(day), table), string.Empty, RollupMarkKinds.Day, day, cancellationToken);
    }

    /// <summary>
    /// The period's rows may lose counts if rebuilt from what is left below it, and no raw rows can replace those: its
    /// rows stay as they are (exact for everything they counted), and a <see cref="RollupMarkKinds.Late"/> mark records
    /// that late data for it was not added. The roll-up never processes those marks; health counts them.
    /// </summary>
    private async Task RefuseAsync(string kind, string markKey, DateTimeOffset start, string table, RollupCounters counters, CancellationToken cancellationToken)
    {
        RollupLog.LateDataNotMerged(_logger, kind, table, start);
        counters.Refused();
        if (kind == RollupMarkKinds.Day)
        {
            // The day keeps its rows (and its day page), but an hour of it may have been rewritten: its hour page goes.
            await _writer.ReplacePagesAsync(table, start, [(CoarsePages.HourPage, null)], counters, cancellationToken);
        }

        await _marks.MarkAsync(RollupMarkKinds.Late, markKey, string.Empty, RollupMarkKinds.Late, start, cancellationToken);
    }

    /// <summary>The retention state, read once per roll-up run (lazily: a run without hour or day marks does not read it).</summary>
    private Task<RetentionState> TrimmedAsync(RollupCounters counters, CancellationToken cancellationToken)
    {
        lock (_trimmed)
        {
            if (!_trimmed.TryGetValue(counters, out var state) || state.IsFaulted || state.IsCanceled)
            {
                state = RetentionState.LoadAsync(_storage, counters.Reads, cancellationToken);
                _trimmed.AddOrUpdate(counters, state);
            }

            return state;
        }
    }

    private async Task<List<string>> KeysAsync(string table, string partitionKey, RollupCounters counters, CancellationToken cancellationToken)
    {
        var rows = await TableReads.QueryAsync(_storage.GetTable(table), TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}"), ["RowKey"], counters.Reads, cancellationToken);
        counters.AggregateRowsRead(rows.Count);
        return [.. rows.Select(r => r.RowKey)];
    }

    private async Task<List<TableEntity>> ReadAsync(string table, string filter, RollupCounters counters, CancellationToken cancellationToken)
    {
        var rows = await TableReads.QueryAsync(_storage.GetTable(table), filter, null, counters.Reads, cancellationToken);
        counters.AggregateRowsRead(rows.Count);
        return rows;
    }

    private static bool IsCallTable(string table) => table is TableNames.AggCallWindows or TableNames.AggStreamQuality;

    /// <summary>The table (and its retention tier) the minute rows of <paramref name="table"/> are computed from.</summary>
    private static string RawTable(string table) => IsCallTable(table) ? TableNames.AggCalls : TableNames.Records;

    private static string RawTier(string table) => IsCallTable(table) ? "calls" : "rows";

    /// <summary>
    /// The minute rows of one hour as the window roll-ups would compute them now, from the raw rows (one range read),
    /// without writing them; null when a record partition's key cannot be read back (a capped key).
    /// </summary>
    private async Task<List<TableEntity>?> RawMinutesAsync(string table, DateTimeOffset hour, RollupCounters counters, CancellationToken cancellationToken)
    {
        var range = TableReads.PartitionRangeFilter(Windows.Key(hour), Windows.Key(hour.AddHours(1)));
        var minutes = new List<TableEntity>();
        if (IsCallTable(table))
        {
            var calls = await ReadAsync(TableNames.AggCalls, range, counters, cancellationToken);
            foreach (var group in calls.GroupBy(c => (c.PartitionKey, Resource: c.RowKey[..(c.RowKey.IndexOf('|', StringComparison.Ordinal) + 1)])))
            {
                var (volume, streams) = CallWindowRollup.Compute(Windows.Parse(group.Key.PartitionKey), [.. group]);
                minutes.AddRange(table == TableNames.AggCallWindows ? (volume is null ? [] : [volume]) : streams);
            }

            return minutes;
        }

        var aggregators = _aggregators.Where(a => a.Table == table).ToList();
        var columns = aggregators.SelectMany(a => a.SourceColumns).Distinct(StringComparer.Ordinal).ToList();
        var records = await TableReads.QueryAsync(_storage.GetTable(TableNames.Records), range, columns, counters.Reads, cancellationToken);
        counters.RecordRowsRead(records.Count);
        foreach (var partition in records.GroupBy(r => RecordEntities.WindowBaseKey(r.PartitionKey), StringComparer.Ordinal))
        {
            var parts = partition.Key.Split('|');
            if (parts.Length != 3)
            {
                return null;
            }

            var (window, resourceKey, category) = (Windows.Parse(parts[0]), KeyEncoder.Decode(parts[1]), KeyEncoder.Decode(parts[2]));
            if (RecordEntities.WindowPartitionKey(window, resourceKey, category) != partition.Key)
            {
                return null;
            }

            var rows = WindowRollup.Distinct(partition);
            foreach (var aggregator in aggregators.Where(a => a.Handles(category)))
            {
                minutes.AddRange(aggregator.Aggregate(window, resourceKey, category, rows));
            }
        }

        return minutes;
    }
}
