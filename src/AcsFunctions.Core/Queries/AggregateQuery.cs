using Azure.Data.Tables;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;

namespace AcsFunctions.Queries;

/// <summary>
/// Reads aggregate rows for a query: a PartitionKey range over the minute windows in <c>[from, to)</c> plus the
/// filters, every value escaped by <see cref="TableClient.CreateQueryFilter(FormattableString)"/>.
/// </summary>
public static class AggregateQuery
{
    /// <summary>The filter over the window range and the resource, plus equality on optional columns.</summary>
    public static string Filter(QueryParameters parameters, params (string Column, string? Value)[] equals)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return WithColumns(TableReads.PartitionRangeFilter(parameters.FromWindowKey, parameters.ToWindowKey), parameters, equals);
    }

    /// <summary><paramref name="keyRange"/> and the resource and column filters of <paramref name="parameters"/>.</summary>
    private static string WithColumns(string keyRange, QueryParameters parameters, (string Column, string? Value)[] equals)
    {
        var parts = new List<string> { keyRange };
        if (parameters.Resource is { } resource)
        {
            parts.Add(TableClient.CreateQueryFilter($"ResourceName eq {resource}"));
        }

        foreach (var (column, value) in equals)
        {
            if (value is not null)
            {
                // The column name is ours (a constant); only the value comes from the caller.
                parts.Add(column + TableClient.CreateQueryFilter($" eq {value}"));
            }
        }

        return string.Join(" and ", parts);
    }

    /// <summary>
    /// Reads the rows of a windowed aggregate table for a query with the coarsest rows that tile its range at its
    /// interval (<see cref="CoarseTiers"/>): for <c>P1D</c>, daily rows for whole days, hourly rows for whole hours at the
    /// edges, minute rows only at unaligned edges; for <c>PT1H</c>, hourly rows and minute edges; finer intervals read
    /// minute rows. One partition-range query per segment (at most five), plus the filters on other columns.
    /// A day (hour) with no daily (hourly) row under the filters is read from the tier below, contiguous gaps with one
    /// range query each: a store written before hourly and daily rows existed, or a period whose coarse row is not
    /// written yet, is answered from its minute rows (exact either way; an empty period costs a query, no rows).
    /// <para>
    /// With <see cref="TierReads.Pages"/>, the whole days of the daily tile are read from their day pages and the whole
    /// days of an hourly tile from their hour pages (<see cref="CoarsePages"/>; one range query each, after one read of
    /// the pending hour and day marks of those days), the filters applied to the unpacked rows as the service applies
    /// them. A day with a pending hour or day mark of the table, or without a complete page, is read from its
    /// partitions as above; so is a period the page has no row for under the filters. The marks read are added to
    /// <paramref name="context"/> (the run's), whose flags then use them (<see cref="PendingWindows"/>).
    /// </para>
    /// </summary>
    public static Task<List<TableEntity>> ReadTiledAsync(
        AcsStorage storage, string table, QueryParameters parameters, TierReads reads, QueryContext? context, CancellationToken cancellationToken, params (string Column, string? Value)[] equals) =>
        ReadTiledAsync(storage, table, parameters, reads, context, static e => e, static (in PageRow row) => row.ToEntity(), cancellationToken, equals);

    /// <summary>
    /// Reads the rows of a windowed aggregate table as <see cref="ReadTiledAsync(AcsStorage, string, QueryParameters, TierReads, QueryContext?, CancellationToken, ValueTuple{string, string?}[])"/>
    /// does, each row made into what the kind needs as it is read: <paramref name="fromEntity"/> for rows read from
    /// their partitions, <paramref name="fromPage"/> for rows read from pages, decoded straight from the page bytes
    /// (<see cref="CoarsePages.Read{T}"/>: no <see cref="TableEntity"/> per row). Both must read a row alike.
    /// </summary>
    public static async Task<List<T>> ReadTiledAsync<T>(
        AcsStorage storage,
        string table,
        QueryParameters parameters,
        TierReads reads,
        QueryContext? context,
        Func<TableEntity, T> fromEntity,
        PageRowReader<T> fromPage,
        CancellationToken cancellationToken,
        params (string Column, string? Value)[] equals)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(fromEntity);
        ArgumentNullException.ThrowIfNull(fromPage);
        var client = storage.GetTable(table);
        var reader = new TierReader<T>(client, (from, to) => WithColumns(TableReads.PartitionRangeFilter(from, to), parameters, equals), fromEntity);
        var tiles = ReadTiles(parameters, reads.Coarse);
        var pages = reads.Coarse && reads.Pages
            ? await DayPages<T>.ReadAsync(storage, table, parameters, tiles, (in PageRow row) => Matches(row, parameters, equals) ? fromPage(in row) : null, context, cancellationToken)
            : null;
        foreach (var tile in tiles)
        {
            await reader.ReadAsync(tile, pages, cancellationToken);
        }

        return reader.Rows;
    }

    /// <summary>What the service filter <see cref="WithColumns"/> adds to the key range, applied to a row: each column present, a string, and equal (ordinal).</summary>
    private static bool Matches(TableEntity row, QueryParameters parameters, (string Column, string? Value)[] equals)
    {
        if (parameters.Resource is { } resource && !Equal(row, "ResourceName", resource))
        {
            return false;
        }

        foreach (var (column, value) in equals)
        {
            if (value is not null && !Equal(row, column, value))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Equal(TableEntity row, string column, string value) =>
        row.TryGetValue(column, out var stored) && stored is string text && string.Equals(text, value, StringComparison.Ordinal);

    /// <summary><see cref="Matches(TableEntity, QueryParameters, ValueTuple{string, string?}[])"/> on a row of a page.</summary>
    private static bool Matches(in PageRow row, QueryParameters parameters, (string Column, string? Value)[] equals)
    {
        if (parameters.Resource is { } resource && !row.IsString("ResourceName", resource))
        {
            return false;
        }

        foreach (var (column, value) in equals)
        {
            if (value is not null && !row.IsString(column, value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The partition-key ranges <c>[from, to)</c> that tile a query's range at its interval, coarsest first.</summary>
    public static IReadOnlyList<(string From, string To)> Tiles(QueryParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return [.. TimeTiles(parameters).Select(t => (KeyOf(t.Unit, t.From), KeyOf(t.Unit, t.To)))];
    }

    /// <summary>
    /// The ranges <c>[from, to)</c> a query reads at each tier (<c>day</c>, <c>hour</c>, <c>minute</c>, as retention names
    /// them): its tiles with coarse rows on (<paramref name="coarse"/>), else its whole range at <c>minute</c>.
    /// </summary>
    public static IReadOnlyList<(string Tier, DateTimeOffset From, DateTimeOffset To)> TierRanges(QueryParameters parameters, bool coarse)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return [.. ReadTiles(parameters, coarse).Where(t => t.From < t.To).Select(t => (t.Unit == Day ? "day" : t.Unit == Hour ? "hour" : "minute", t.From, t.To))];
    }

    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    private static string KeyOf(TimeSpan unit, DateTimeOffset time) =>
        unit == Day ? CoarseTiers.DayKey(time) : unit == Hour ? CoarseTiers.HourKey(time) : Windows.Key(time);

    /// <summary>The tiles a query reads: its time tiles with coarse rows on, else its whole range in minutes.</summary>
    private static List<Tile> ReadTiles(QueryParameters parameters, bool coarse) =>
        coarse ? TimeTiles(parameters) : [new Tile(Minute, Windows.Parse(parameters.FromWindowKey), Windows.Parse(parameters.ToWindowKey))];

    private static List<Tile> TimeTiles(QueryParameters parameters)
    {
        var start = Windows.Parse(parameters.FromWindowKey);
        var end = Windows.Parse(parameters.ToWindowKey);
        var whole = new List<Tile> { new(Minute, start, end) };
        if (parameters.Interval.Length < Hour || end <= start)
        {
            return whole;
        }

        var hourStart = Ceiling(start, Hour);
        var hourEnd = CoarseTiers.FloorHour(end);
        if (hourStart >= hourEnd)
        {
            return whole;
        }

        var tiles = new List<Tile>();
        var dayStart = Ceiling(hourStart, Day);
        var dayEnd = CoarseTiers.FloorDay(hourEnd);
        if (parameters.Interval.Length >= Day && dayStart < dayEnd)
        {
            tiles.Add(new Tile(Day, dayStart, dayEnd));
            AddTile(tiles, Hour, hourStart, dayStart);
            AddTile(tiles, Hour, dayEnd, hourEnd);
        }
        else
        {
            AddTile(tiles, Hour, hourStart, hourEnd);
        }

        AddTile(tiles, Minute, start, hourStart);
        AddTile(tiles, Minute, hourEnd, end);
        return tiles;
    }

    private static void AddTile(List<Tile> tiles, TimeSpan unit, DateTimeOffset from, DateTimeOffset to)
    {
        if (from < to)
        {
            tiles.Add(new Tile(unit, from, to));
        }
    }

    /// <summary>A time range read at one tier: <paramref name="Unit"/> is a day, an hour or a minute.</summary>
    private readonly record struct Tile(TimeSpan Unit, DateTimeOffset From, DateTimeOffset To);

    /// <summary>
    /// The pages a query may use: for each whole day of a daily tile its day page, of an hourly tile its hour page —
    /// the rows under the filters, for days with a complete page and no pending hour or day mark of the table.
    /// </summary>
    private sealed class DayPages<T>
        where T : class
    {
        private readonly Dictionary<(char Kind, DateTimeOffset Day), List<(string PartitionKey, T Item)>> _days = [];

        public bool TryGet(TimeSpan unit, DateTimeOffset day, out List<(string PartitionKey, T Item)> rows) =>
            _days.TryGetValue((unit == Day ? CoarsePages.DayPage : CoarsePages.HourPage, day), out rows!);

        /// <summary>The pages' rows under the filters, each read by <paramref name="read"/> (null: filtered out).</summary>
        public static async Task<DayPages<T>?> ReadAsync(
            AcsStorage storage, string table, QueryParameters parameters, IReadOnlyList<Tile> tiles, PageRowReader<T> read, QueryContext? context, CancellationToken cancellationToken)
        {
            var wanted = new List<(char Kind, DateTimeOffset From, DateTimeOffset To)>();
            foreach (var tile in tiles.Where(t => t.Unit != Minute))
            {
                var (from, to) = (Ceiling(tile.From, Day), CoarseTiers.FloorDay(tile.To));
                if (from < to)
                {
                    wanted.Add((tile.Unit == Day ? CoarsePages.DayPage : CoarsePages.HourPage, from, to));
                }
            }

            if (wanted.Count == 0)
            {
                return null;
            }

            // The marks first: a day without a pending hour or day mark now has pages equal to its rows now, and any
            // page written later was written from the rows at that later time (see docs/rollups.md). The same read
            // flags the query's rows (kept in its context).
            var periods = await PendingPeriods.ReadAsync(storage, parameters, cancellationToken);
            context?.Add(periods);
            var pending = periods.DaysOf(table);
            var pages = new DayPages<T>();
            var client = storage.GetTable(TableNames.PagesOf(table));
            foreach (var (kind, from, to) in wanted)
            {
                var chunks = await TableReads.QueryAsync(client, CoarsePages.RangeFilter(kind, from, to), null, cancellationToken);
                foreach (var ((pageKind, day), rows) in CoarsePages.Read(chunks, read))
                {
                    if (rows is not null && pageKind == kind && day >= from && day < to && !pending.Contains(DayKey(day)))
                    {
                        pages._days[(kind, day)] = rows;
                    }
                }
            }

            return pages;
        }

        private static string DayKey(DateTimeOffset day) => CoarseTiers.DayKey(day)[1..];
    }

    /// <summary>Reads tiles, falling back to the tier below for the periods a coarse tier has no row for.</summary>
    private sealed class TierReader<T>(TableClient table, Func<string, string, string> rangeFilter, Func<TableEntity, T> fromEntity)
        where T : class
    {
        public List<T> Rows { get; } = [];

        /// <summary>Reads a tile: whole days from <paramref name="pages"/> where it has them, the rest by partition range.</summary>
        public async Task ReadAsync(Tile tile, DayPages<T>? pages, CancellationToken cancellationToken)
        {
            var found = new List<(string PartitionKey, T Item)>();
            if (pages is null || tile.Unit == Minute)
            {
                found.AddRange(await QueryAsync(tile.Unit, tile.From, tile.To, cancellationToken));
            }
            else
            {
                DateTimeOffset? run = null;
                for (var at = tile.From; at < tile.To;)
                {
                    var next = CoarseTiers.FloorDay(at).Add(Day);
                    if (at == CoarseTiers.FloorDay(at) && next <= tile.To && pages.TryGet(tile.Unit, at, out var rows))
                    {
                        if (run is { } runStart)
                        {
                            found.AddRange(await QueryAsync(tile.Unit, runStart, at, cancellationToken));
                            run = null;
                        }

                        found.AddRange(rows);
                    }
                    else
                    {
                        run ??= at;
                    }

                    at = next < tile.To ? next : tile.To;
                }

                if (run is { } last)
                {
                    found.AddRange(await QueryAsync(tile.Unit, last, tile.To, cancellationToken));
                }
            }

            foreach (var (_, item) in found)
            {
                Rows.Add(item);
            }

            if (tile.Unit == Minute)
            {
                return;
            }

            var below = tile.Unit == Day ? Hour : Minute;
            var present = found.Select(r => r.PartitionKey).ToHashSet(StringComparer.Ordinal);
            DateTimeOffset? gap = null;
            for (var period = tile.From; period < tile.To; period += tile.Unit)
            {
                if (!present.Contains(KeyOf(tile.Unit, period)))
                {
                    gap ??= period;
                }
                else if (gap is { } gapStart)
                {
                    await ReadAsync(new Tile(below, gapStart, period), null, cancellationToken);
                    gap = null;
                }
            }

            if (gap is { } lastGap)
            {
                await ReadAsync(new Tile(below, lastGap, tile.To), null, cancellationToken);
            }
        }

        private async Task<IEnumerable<(string PartitionKey, T Item)>> QueryAsync(TimeSpan unit, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
            (await TableReads.QueryAsync(table, rangeFilter(KeyOf(unit, from), KeyOf(unit, to)), null, cancellationToken)).Select(e => (e.PartitionKey, fromEntity(e)));
    }

    private static DateTimeOffset Ceiling(DateTimeOffset time, TimeSpan unit)
    {
        var floor = new DateTimeOffset(time.UtcTicks - (time.UtcTicks % unit.Ticks), TimeSpan.Zero);
        return floor == time ? floor : floor + unit;
    }

    /// <summary>Reads the rows of a logical table matching <paramref name="filter"/> (none when the table does not exist).</summary>
    public static Task<List<TableEntity>> ReadAsync(AcsStorage storage, string table, string filter, CancellationToken cancellationToken = default) =>
        TableReads.QueryAsync(storage.GetTable(table), filter, null, cancellationToken);

    /// <summary>
    /// Groups items by a key and merges each group into its first item (in place: the items must be fresh objects no one
    /// else holds, e.g. just read from their rows), so a key with one item — most keys of a long query, whose rows are
    /// already at its interval — costs no copy. In order of first appearance.
    /// </summary>
    public static List<TItem> MergeInPlace<TItem, TKey>(IEnumerable<TItem> items, Func<TItem, TKey> key, Action<TItem, TItem> merge)
        where TKey : notnull
        where TItem : class
    {
        // A set of the first items, compared by their keys: an entry is the item's reference, not a copy of its key (a
        // long answer's keys of five parts made the table a large object per query, and the collections that go with it).
        // The merges leave the key parts alone.
        var count = items is IReadOnlyCollection<TItem> known ? known.Count : 0;
        var groups = new HashSet<TItem>(count, new KeyComparer<TItem, TKey>(key));
        var order = new List<TItem>(count);
        foreach (var item in items)
        {
            if (groups.TryGetValue(item, out var first))
            {
                merge(first, item);
            }
            else
            {
                groups.Add(item);
                order.Add(item);
            }
        }

        return order;
    }

    /// <summary>Items equal when their keys are.</summary>
    private sealed class KeyComparer<TItem, TKey>(Func<TItem, TKey> key) : IEqualityComparer<TItem>
        where TKey : notnull
    {
        public bool Equals(TItem? x, TItem? y) => x is not null && y is not null && EqualityComparer<TKey>.Default.Equals(key(x), key(y));

        public int GetHashCode(TItem obj) => EqualityComparer<TKey>.Default.GetHashCode(key(obj));
    }

    /// <summary>Groups items by a key and merges each group into a fresh accumulator.</summary>
    public static List<TAccumulator> Merge<TItem, TKey, TAccumulator>(
        IEnumerable<TItem> items,
        Func<TItem, TKey> key,
        Func<TItem, TAccumulator> create,
        Action<TAccumulator, TItem> merge)
        where TKey : notnull
    {
        var groups = new Dictionary<TKey, TAccumulator>();
        var order = new List<TAccumulator>();
        foreach (var item in items)
        {
            var k = key(item);
            if (!groups.TryGetValue(k, out var accumulator))
            {
                accumulator = create(item);
                groups[k] = accumulator;
                order.Add(accumulator);
            }

            merge(accumulator, item);
        }

        return order;
    }
}
