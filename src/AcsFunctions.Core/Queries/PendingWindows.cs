using Azure.Data.Tables;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;

namespace AcsFunctions.Queries;

/// <summary>
/// The minutes of a query's range whose aggregates may still change: roll-up marks not yet completed, read from
/// <see cref="TableNames.RollupPending"/> at query time (range reads on the mark keys, which start with the minute).
/// A mark leased by a run that died stays until a later run takes it over, so whatever such a run left half done is
/// flagged, never shown as final. Window marks count for the kinds whose aggregators handle their category;
/// call-start-window marks, and the windows of pending calls (the call-start window their row is in now, and
/// the one their records give now), count for the call kinds; hour and day marks for the tables of the kind.
/// </summary>
public sealed class PendingWindows
{
    private const int MaxCallLookups = 200;

    private readonly AcsStorage _storage;
    private readonly IWindowAggregator[] _aggregators;

    /// <summary>Creates the reader.</summary>
    public PendingWindows(AcsStorage storage, IEnumerable<IWindowAggregator> aggregators)
    {
        _storage = storage;
        _aggregators = [.. aggregators];
    }

    /// <summary>The pending minutes in <c>[from, to)</c> that affect <paramref name="parameters"/>' kind, sorted.</summary>
    /// <param name="parameters">The query.</param>
    /// <param name="tables">The aggregate tables its kind reads (<see cref="IQueryKind.AggregateTables"/>).</param>
    /// <param name="context">
    /// The run's context: the hour and day marks its page reads saw are used as read (no second read); without any, they
    /// are read now.
    /// </param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    public async Task<IReadOnlyList<DateTimeOffset>> ReadAsync(QueryParameters parameters, IReadOnlyList<string> tables, QueryContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(tables);
        if (tables.Count == 0)
        {
            return [];
        }

        var minutes = new SortedSet<DateTimeOffset>();
        var marks = _storage.GetTable(TableNames.RollupPending);
        var calls = tables[0] is TableNames.AggCalls or TableNames.AggCallWindows or TableNames.AggStreamQuality;
        var kind = calls ? RollupMarkKinds.CallWindow : RollupMarkKinds.Window;
        var inRange = RollupMarks.KindFilter(kind) + " and " + TableClient.CreateQueryFilter($"RowKey ge {parameters.FromWindowKey} and RowKey lt {parameters.ToWindowKey}");
        foreach (var mark in await TableReads.QueryAsync(marks, inRange, ["Category"], cancellationToken))
        {
            if (calls || _aggregators.Any(a => tables.Contains(a.Table) && a.Handles(EntityValues.Text(mark, "Category") ?? string.Empty)))
            {
                minutes.Add(Windows.Parse(mark.RowKey.Split('|')[0]));
            }
        }

        if (calls)
        {
            await AddPendingCallsAsync(minutes, parameters, cancellationToken);
        }

        // Coarse rows are read only at PT1H and P1D: a pending hour (day) flags the rows of that hour (day). The marks
        // the query read for its pages when it read any (its context), else one read now.
        if (parameters.Interval.Length >= TimeSpan.FromHours(1))
        {
            var periods = context?.Periods ?? await PendingPeriods.ReadAsync(_storage, parameters, cancellationToken);
            minutes.UnionWith(periods.Flagging(tables, parameters.Interval, parameters.FromWindowKey[..10]));
        }

        var first = parameters.Interval.Floor(parameters.From);
        return [.. minutes.Where(m => m >= first && m < parameters.To)];
    }

    /// <summary>Flags every row whose interval holds a pending minute.</summary>
    public static IReadOnlyList<object> Flag(IReadOnlyList<object> rows, IReadOnlyList<DateTimeOffset> pending, QueryInterval interval)
    {
        if (pending.Count == 0)
        {
            return rows;
        }

        var flagged = new object[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            flagged[i] = rows[i] is QueryRow row && Covers(pending, row.FlagWindow, row is CallRow ? QueryInterval.OneMinute : interval) ? row.AsIncomplete() : rows[i];
        }

        return flagged;
    }

    private static bool Covers(IReadOnlyList<DateTimeOffset> pending, DateTimeOffset start, QueryInterval interval)
    {
        var end = start + interval.Length;
        var index = BinarySearchFirstAtOrAfter(pending, start);
        return index < pending.Count && pending[index] < end;
    }

    private static int BinarySearchFirstAtOrAfter(IReadOnlyList<DateTimeOffset> sorted, DateTimeOffset value)
    {
        int lo = 0, hi = sorted.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>
    /// A pending call may move between call-start windows: flag the window its row is in now (the call index) and the
    /// window its stored records put it in (one partition read per pending call). Past <see cref="MaxCallLookups"/> pending calls the whole range is flagged.
    /// </summary>
    private async Task AddPendingCallsAsync(SortedSet<DateTimeOffset> minutes, QueryParameters parameters, CancellationToken cancellationToken)
    {
        // A call marked by several ingest sources has a mark in each of their partitions (#20): one lookup per call.
        var pending = (await TableReads.QueryAsync(
            _storage.GetTable(TableNames.RollupPending), RollupMarks.KindFilter(RollupMarkKinds.Call), ["RowKey"], cancellationToken))
            .DistinctBy(m => m.RowKey, StringComparer.Ordinal).ToList();
        if (pending.Count > MaxCallLookups)
        {
            for (var m = Windows.MinuteOf(parameters.From); m < parameters.To; m = m.AddMinutes(1))
            {
                minutes.Add(m);
            }

            return;
        }

        var index = _storage.GetTable(TableNames.AggCallIndex);
        var records = _storage.GetTable(TableNames.CallRecords);
        var windows = await Task.WhenAll(pending.Select(async mark =>
        {
            // Where the call's row is now, and where the pending roll-up will put it (the same computation it makes).
            var start = await TableReads.PointAsync(index, mark.RowKey, "start", cancellationToken);
            var rows = await TableReads.PartitionAsync(records, mark.RowKey, CallAggregator.SourceColumns, cancellationToken);
            return (Now: start?.GetString("StartWindow"), Next: CallAggregator.Compute(mark.RowKey, rows)?.WindowKey);
        }));
        foreach (var key in windows.SelectMany(w => new[] { w.Now, w.Next }).OfType<string>())
        {
            minutes.Add(Windows.Parse(key));
        }
    }
}
