using System.Globalization;
using Azure.Data.Tables;
using AcsFunctions.Storage;

namespace AcsFunctions.Rollups;

/// <summary>
/// Hourly and daily aggregate rows, kept in the same tables as the minute rows under partition keys that sort apart
/// from them: <c>H</c>yyyyMMddHH for an hour and <c>D</c>yyyyMMdd for a day (digits sort before letters, so a
/// minute range never reads them). Same RowKeys as the minute rows; each coarse row is the exact merge of the rows
/// below it (counts add, min/max exact, histograms merge) — an hour from its 60 minute partitions, a day from its 24
/// hour partitions, each read with one range query.
/// </summary>
public static class CoarseTiers
{
    /// <summary>The tables with hourly and daily rows (the windowed aggregates; per-call rows have none).</summary>
    public static readonly IReadOnlyList<string> Tables =
    [
        TableNames.AggApiRequests, TableNames.AggEmailDelivery, TableNames.AggEmailEngagement, TableNames.AggUsage,
        TableNames.AggCallWindows, TableNames.AggStreamQuality,
    ];

    /// <summary>The partition key of the hour holding <paramref name="time"/>.</summary>
    public static string HourKey(DateTimeOffset time) => "H" + FloorHour(time).ToString("yyyyMMddHH", CultureInfo.InvariantCulture);

    /// <summary>The partition key of the UTC day holding <paramref name="time"/>.</summary>
    public static string DayKey(DateTimeOffset time) => "D" + FloorDay(time).ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>The start of the UTC hour.</summary>
    public static DateTimeOffset FloorHour(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }

    /// <summary>The start of the UTC day.</summary>
    public static DateTimeOffset FloorDay(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero);
    }

    /// <summary>The mark key of an hour (or day) of a table: <c>yyyyMMddHH|table</c> (<c>yyyyMMdd|table</c>).</summary>
    public static string MarkKey(string periodKey, string table) => periodKey[1..] + "|" + table;

    /// <summary>Reads a mark key back: the period start and the table.</summary>
    public static (DateTimeOffset Start, string Table) ParseMark(string markKey)
    {
        var bar = markKey.IndexOf('|', StringComparison.Ordinal);
        var period = markKey[..bar];
        var format = period.Length == 10 ? "yyyyMMddHH" : "yyyyMMdd";
        var start = DateTimeOffset.ParseExact(period, format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
        return (start, markKey[(bar + 1)..]);
    }

    /// <summary>Merges rows of one table (minute or hour rows) into the rows of the period starting at <paramref name="start"/>.</summary>
    /// <exception cref="FormatException">A histogram column is malformed.</exception>
    public static List<TableEntity> Merge(string table, IEnumerable<TableEntity> rows, DateTimeOffset start, string partitionKey)
    {
        var merged = new List<TableEntity>();
        foreach (var group in rows.GroupBy(r => r.RowKey, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var entity = table switch
            {
                TableNames.AggApiRequests => MergeApiRequests(group, start),
                TableNames.AggCallWindows => MergeCallWindows(group, start),
                TableNames.AggStreamQuality => MergeStreamQuality(group, start),
                _ => MergeKeyedCounts(group, start),
            };
            entity.PartitionKey = partitionKey;
            entity.RowKey = group.Key;
            merged.Add(entity);
        }

        return merged;
    }

    private static TableEntity MergeApiRequests(IEnumerable<TableEntity> rows, DateTimeOffset start)
    {
        ApiRequestAggregate? total = null;
        foreach (var part in rows.Select(ApiRequestAggregate.FromEntity))
        {
            total ??= new ApiRequestAggregate
            {
                WindowStart = start, Resource = part.Resource, Category = part.Category, Operation = part.Operation, StatusCode = part.StatusCode, StatusClass = part.StatusClass,
            };
            total.Merge(part);
        }

        return total!.ToEntity();
    }

    private static TableEntity MergeCallWindows(IEnumerable<TableEntity> rows, DateTimeOffset start)
    {
        CallWindowAggregate? total = null;
        foreach (var part in rows.Select(CallWindowAggregate.FromEntity))
        {
            total ??= new CallWindowAggregate { WindowStart = start, Resource = part.Resource };
            total.Merge(part);
        }

        return total!.ToEntity();
    }

    private static TableEntity MergeStreamQuality(IEnumerable<TableEntity> rows, DateTimeOffset start)
    {
        StreamGroup? total = null;
        ResourceInfo? resource = null;
        foreach (var row in rows)
        {
            var part = StreamGroup.FromEntity(row);
            resource ??= ResourceInfo.Read(row);
            total ??= part.EmptyCopy();
            total.Merge(part);
        }

        return total!.ToEntity(start, resource!);
    }

    /// <summary>Keyed counts (<see cref="KeyedCountAggregator"/>): the key columns of the first row, <c>Count</c> and <c>Quantity</c> summed.</summary>
    private static TableEntity MergeKeyedCounts(IEnumerable<TableEntity> rows, DateTimeOffset start)
    {
        TableEntity? total = null;
        long count = 0;
        double? quantity = null;
        foreach (var row in rows)
        {
            total ??= new TableEntity(row.Where(p => p.Key is not ("odata.etag" or "Timestamp" or "PartitionKey" or "RowKey")).ToDictionary(p => p.Key, p => p.Value));
            count += row.GetInt64("Count") ?? 0;
            if (EntityValues.Number(row, "Quantity") is { } q)
            {
                quantity = (quantity ?? 0) + q;
            }
        }

        total!["Count"] = count;
        if (quantity is { } sum)
        {
            total["Quantity"] = sum;
        }

        total["WindowStart"] = start;
        return total;
    }
}
