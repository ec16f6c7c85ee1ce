using System.Globalization;
using Azure.Data.Tables;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;

namespace AcsFunctions.Retention;

/// <summary>The hour and day rows (RowKeys) of one aggregate table, read once per period and run by range over the expired periods.</summary>
internal sealed class CoarseRows(TableClient table, ReadCost cost)
{
    private readonly Dictionary<string, HashSet<string>> _periods = new(StringComparer.Ordinal);

    public Task<HashSet<string>> HourAsync(DateTimeOffset hour, CancellationToken cancellationToken) =>
        GetAsync(CoarseTiers.HourKey(hour), CoarseTiers.HourKey(CoarseTiers.FloorDay(hour)), CoarseTiers.HourKey(CoarseTiers.FloorDay(hour).AddDays(1)), cancellationToken);

    public Task<HashSet<string>> DayAsync(DateTimeOffset day, CancellationToken cancellationToken) =>
        GetAsync(CoarseTiers.DayKey(day), CoarseTiers.DayKey(day), CoarseTiers.DayKey(day.AddDays(1)), cancellationToken);

    /// <summary>The RowKeys of one period; loads the whole range it belongs to (a day of hours, or one day) on first use.</summary>
    private async Task<HashSet<string>> GetAsync(string periodKey, string from, string to, CancellationToken cancellationToken)
    {
        if (!_periods.TryGetValue(periodKey, out var rows))
        {
            foreach (var row in await TableReads.QueryAsync(table, TableReads.PartitionRangeFilter(from, to), [], cost, cancellationToken))
            {
                if (!_periods.TryGetValue(row.PartitionKey, out var keys))
                {
                    _periods[row.PartitionKey] = keys = new HashSet<string>(StringComparer.Ordinal);
                }

                keys.Add(row.RowKey);
            }

            if (!_periods.TryGetValue(periodKey, out rows))
            {
                _periods[periodKey] = rows = [];
            }

            // Periods of the range without rows are known empty too: do not read the range again for them.
            if (periodKey[0] == 'H')
            {
                for (var h = 0; h < 24; h++)
                {
                    var key = string.Concat(from.AsSpan(0, 9), h.ToString("00", CultureInfo.InvariantCulture));
                    _periods.TryAdd(key, []);
                }
            }
        }

        return rows;
    }
}
