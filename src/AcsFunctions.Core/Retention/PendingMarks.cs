using Azure.Data.Tables;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;

namespace AcsFunctions.Retention;

/// <summary>
/// The roll-up marks that hold rows back, read once per run: only marks older than the cutoffs (range reads on the
/// mark keys, which start with the minute, hour or day), and the call marks. Marks are pending work, so these reads are
/// small while the roll-up keeps up. Every partition of a kind is read: the bare one
/// (stores from before #20) and its shards (<see cref="RollupMarks.KindFilter"/>).
/// </summary>
internal sealed class PendingMarks
{
    /// <summary>Minutes (<c>yyyyMMddHHmm</c>) with a pending window mark.</summary>
    public HashSet<string> WindowMinutes { get; } = new(StringComparer.Ordinal);

    /// <summary>Minutes with a pending call-window mark.</summary>
    public HashSet<string> CallWindowMinutes { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Hours (<c>yyyyMMddHH</c>) and days (<c>yyyyMMdd</c>) holding a pending window or call-window mark: the roll-up will
    /// recompute them from every minute (hour) below them, so none of those may go yet.
    /// </summary>
    public HashSet<string> ChangingPeriods { get; } = new(StringComparer.Ordinal);

    /// <summary>Days of a table (<c>yyyyMMdd|table</c>) with a pending hour mark: the day will be recomputed from its hours.</summary>
    public HashSet<string> DaysWithHourMarks { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Hours (<c>yyyyMMddHH</c>) with a pending hour mark of any table: an hour whose minute rows retention deleted is
    /// rebuilt from its raw rows (records, per-call rows), so those stay until it is done.
    /// </summary>
    public HashSet<string> HoursWithMarks { get; } = new(StringComparer.Ordinal);

    /// <summary>Pending hour and day marks (<c>yyyyMMddHH|table</c>, <c>yyyyMMdd|table</c>).</summary>
    public HashSet<string> Periods { get; } = new(StringComparer.Ordinal);

    /// <summary>Calls (<c>resourceKey|correlationId</c>) with a pending call mark.</summary>
    public HashSet<string> Calls { get; } = new(StringComparer.Ordinal);

    /// <summary>Reads the marks below <paramref name="before"/> (a key prefix such as <c>yyyyMMddHHmm</c>) and every call mark.</summary>
    public static async Task<PendingMarks> LoadAsync(TableClient table, string before, ReadCost cost, CancellationToken cancellationToken)
    {
        var marks = new PendingMarks();
        string[] select = ["RowKey"];
        foreach (var mark in await TableReads.QueryAsync(table, Below(RollupMarkKinds.Window, before), select, cost, cancellationToken))
        {
            marks.WindowMinutes.Add(Minute(mark.RowKey));
            marks.Changing(mark.RowKey);
        }

        foreach (var mark in await TableReads.QueryAsync(table, Below(RollupMarkKinds.CallWindow, before), select, cost, cancellationToken))
        {
            marks.CallWindowMinutes.Add(Minute(mark.RowKey));
            marks.Changing(mark.RowKey);
        }

        foreach (var kind in new[] { RollupMarkKinds.Hour, RollupMarkKinds.Day })
        {
            foreach (var mark in await TableReads.QueryAsync(table, Below(kind, before), select, cost, cancellationToken))
            {
                marks.Periods.Add(mark.RowKey);
                var bar = mark.RowKey.IndexOf('|', StringComparison.Ordinal);
                if (kind == RollupMarkKinds.Hour && bar >= 10)
                {
                    marks.DaysWithHourMarks.Add(string.Concat(mark.RowKey.AsSpan(0, 8), mark.RowKey.AsSpan(bar)));
                    marks.HoursWithMarks.Add(mark.RowKey[..10]);
                }
            }
        }

        foreach (var mark in await TableReads.QueryAsync(table, RollupMarks.KindFilter(RollupMarkKinds.Call), select, cost, cancellationToken))
        {
            marks.Calls.Add(mark.RowKey);
        }

        return marks;
    }

    private void Changing(string minuteKey)
    {
        if (minuteKey.Length >= 10)
        {
            ChangingPeriods.Add(minuteKey[..10]);
            ChangingPeriods.Add(minuteKey[..8]);
        }
    }

    private static string Minute(string key) => key.Length >= Windows.KeyFormat.Length ? key[..Windows.KeyFormat.Length] : key;

    /// <summary>Marks of a kind (its bare partition and its <c>kind|sNN</c> shards) whose key sorts below <paramref name="before"/>.</summary>
    private static string Below(string kind, string before) =>
        RollupMarks.KindFilter(kind) + TableClient.CreateQueryFilter($" and RowKey lt {before}");
}
