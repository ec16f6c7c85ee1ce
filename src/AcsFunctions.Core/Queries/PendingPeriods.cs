using Azure.Data.Tables;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;

namespace AcsFunctions.Queries;

/// <summary>
/// The pending hour and day marks of a query's range (every table's), read once per query: a <c>PT1H</c> or
/// <c>P1D</c> query that reads pages reads them before its rows (<see cref="AggregateQuery"/>: a day with a pending mark
/// is read from its rows) and keeps them in its <see cref="QueryContext"/>, and the incomplete flags
/// (<see cref="PendingWindows"/>) use the same marks instead of reading them again. Every row is then exact as of some
/// moment during the query, or flagged: a day without a mark when they were read had exact coarse rows and pages then,
/// and whatever the roll-up writes later is exact as of that later time. A query that reads no page leaves its context
/// empty, and the flags read the marks after the rows as before.
/// </summary>
internal sealed class PendingPeriods
{
    private readonly List<(string Kind, string RowKey, DateTimeOffset Start, string Table)> _marks;

    private PendingPeriods(List<(string Kind, string RowKey, DateTimeOffset Start, string Table)> marks) => _marks = marks;

    /// <summary>Reads the hour and day marks whose period starts on the first day of the query's range or later, up to its end (one query).</summary>
    public static async Task<PendingPeriods> ReadAsync(AcsStorage storage, QueryParameters parameters, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter(
            $"(PartitionKey eq {RollupMarkKinds.Hour} or PartitionKey eq {RollupMarkKinds.Day}) and RowKey ge {parameters.FromWindowKey[..8]} and RowKey lt {parameters.ToWindowKey}");
        var marks = new List<(string, string, DateTimeOffset, string)>();
        foreach (var mark in await TableReads.QueryAsync(storage.GetTable(TableNames.RollupPending), filter, ["RowKey"], cancellationToken))
        {
            if (mark.RowKey.IndexOf('|', StringComparison.Ordinal) < 8)
            {
                continue; // not a period mark's key
            }

            var (start, table) = CoarseTiers.ParseMark(mark.RowKey);
            marks.Add((mark.PartitionKey, mark.RowKey, start, table));
        }

        return new PendingPeriods(marks);
    }

    /// <summary>The marks of both reads (each once).</summary>
    public PendingPeriods Union(PendingPeriods other) => new([.. _marks.Union(other._marks)]);

    /// <summary>The days (<c>yyyyMMdd</c>) with a pending hour or day mark of <paramref name="table"/>.</summary>
    public HashSet<string> DaysOf(string table) =>
        [.. _marks.Where(m => m.Table == table).Select(m => m.RowKey[..8])];

    /// <summary>
    /// The starts of the pending periods of <paramref name="tables"/> that flag a query at <paramref name="interval"/>:
    /// hours from <paramref name="fromHour"/> (<c>yyyyMMddHH</c>) on, and days too at <c>P1D</c> and coarser.
    /// </summary>
    public IEnumerable<DateTimeOffset> Flagging(IReadOnlyList<string> tables, QueryInterval interval, string fromHour) =>
        _marks.Where(m => tables.Contains(m.Table)
                && (m.Kind == RollupMarkKinds.Hour ? string.CompareOrdinal(m.RowKey, fromHour) >= 0 : m.Kind == RollupMarkKinds.Day && interval.Length >= TimeSpan.FromDays(1)))
            .Select(m => m.Start);
}
