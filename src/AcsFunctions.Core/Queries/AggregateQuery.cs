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
        var parts = new List<string>
        {
            TableClient.CreateQueryFilter($"PartitionKey ge {parameters.FromWindowKey} and PartitionKey lt {parameters.ToWindowKey}"),
        };
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
    /// </summary>
    public static async Task<List<TableEntity>> ReadTiledAsync(AcsStorage storage, string table, QueryParameters parameters, bool coarse, CancellationToken cancellationToken, params (string Column, string? Value)[] equals)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var rows = new List<TableEntity>();
        foreach (var (from, to) in coarse ? Tiles(parameters) : [(parameters.FromWindowKey, parameters.ToWindowKey)])
        {
            var filter = Filter(parameters, equals).Replace(
                TableClient.CreateQueryFilter($"PartitionKey ge {parameters.FromWindowKey} and PartitionKey lt {parameters.ToWindowKey}"),
                TableReads.PartitionRangeFilter(from, to),
                StringComparison.Ordinal);
            rows.AddRange(await TableReads.QueryAsync(storage.GetTable(table), filter, null, cancellationToken));
        }

        return rows;
    }

    /// <summary>The partition-key ranges <c>[from, to)</c> that tile a query's range at its interval, coarsest first.</summary>
    public static IReadOnlyList<(string From, string To)> Tiles(QueryParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var start = Windows.Parse(parameters.FromWindowKey);
        var end = Windows.Parse(parameters.ToWindowKey);
        var tiles = new List<(string, string)>();
        if (parameters.Interval.Length < TimeSpan.FromHours(1) || end <= start)
        {
            return [(parameters.FromWindowKey, parameters.ToWindowKey)];
        }

        var hourStart = Ceiling(start, TimeSpan.FromHours(1));
        var hourEnd = CoarseTiers.FloorHour(end);
        if (hourStart >= hourEnd)
        {
            return [(parameters.FromWindowKey, parameters.ToWindowKey)];
        }

        var dayStart = Ceiling(hourStart, TimeSpan.FromDays(1));
        var dayEnd = CoarseTiers.FloorDay(hourEnd);
        if (parameters.Interval.Length >= TimeSpan.FromDays(1) && dayStart < dayEnd)
        {
            tiles.Add((CoarseTiers.DayKey(dayStart), CoarseTiers.DayKey(dayEnd)));
            AddHours(tiles, hourStart, dayStart);
            AddHours(tiles, dayEnd, hourEnd);
        }
        else
        {
            AddHours(tiles, hourStart, hourEnd);
        }

        AddMinutes(tiles, start, hourStart);
        AddMinutes(tiles, hourEnd, end);
        return tiles;
    }

    private static void AddHours(List<(string, string)> tiles, DateTimeOffset from, DateTimeOffset to)
    {
        if (from < to)
        {
            tiles.Add((CoarseTiers.HourKey(from), CoarseTiers.HourKey(to)));
        }
    }

    private static void AddMinutes(List<(string, string)> tiles, DateTimeOffset from, DateTimeOffset to)
    {
        if (from < to)
        {
            tiles.Add((Windows.Key(from), Windows.Key(to)));
        }
    }

    private static DateTimeOffset Ceiling(DateTimeOffset time, TimeSpan unit)
    {
        var floor = new DateTimeOffset(time.UtcTicks - (time.UtcTicks % unit.Ticks), TimeSpan.Zero);
        return floor == time ? floor : floor + unit;
    }

    /// <summary>Reads the rows of a logical table matching <paramref name="filter"/> (none when the table does not exist).</summary>
    public static Task<List<TableEntity>> ReadAsync(AcsStorage storage, string table, string filter, CancellationToken cancellationToken = default) =>
        TableReads.QueryAsync(storage.GetTable(table), filter, null, cancellationToken);

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
