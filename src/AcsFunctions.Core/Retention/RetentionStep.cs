using System.Globalization;
using Azure.Data.Tables;
using AcsFunctions.Health;
using AcsFunctions.Reconcile;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;

namespace AcsFunctions.Retention;

/// <summary>The time unit that starts a table's partition keys.</summary>
public enum RetentionUnit
{
    /// <summary><c>yyyyMMddHHmm</c>.</summary>
    Minute,

    /// <summary><c>yyyyMMddHH</c>.</summary>
    Hour,

    /// <summary><c>yyyyMMdd</c>.</summary>
    Day,
}

/// <summary>What must hold before a row of a step may go (besides its age).</summary>
internal enum RetentionGuard
{
    /// <summary>Nothing: the age is enough.</summary>
    None,

    /// <summary>No window mark is pending for the row's minute (the roll-up still has to read it).</summary>
    WindowMarks,

    /// <summary>A minute aggregate row: its hour and day rows exist and no window mark in its hour, nor an hour or day mark covering it, is pending.</summary>
    HourAndDayRows,

    /// <summary>An hourly row: its day row exists and no window, hour or day mark in its day is pending.</summary>
    DayRows,

    /// <summary>A per-call row: no call mark for the call and no call-window mark for its minute is pending.</summary>
    Calls,
}

/// <summary>
/// One table (and tier) under retention: the partitions whose key starts with <see cref="Prefix"/> followed by a time
/// of <see cref="Unit"/> older than the cutoff form one contiguous key range, read and deleted from the oldest up.
/// </summary>
/// <param name="Table">The logical table.</param>
/// <param name="Tier"><c>minute</c>, <c>hour</c> or <c>day</c> for the aggregate tables; <c>rows</c> otherwise.</param>
/// <param name="Setting">The <see cref="RetentionOptions"/> property that sets the age.</param>
/// <param name="Age">Reads the age from the options.</param>
/// <param name="Unit">The time unit that starts the partition key.</param>
/// <param name="Prefix">What precedes the time in the partition key (<c>H</c>, <c>D</c> or nothing).</param>
/// <param name="Guard">What must hold before a row goes.</param>
/// <param name="Payloads">Rows may name a payload blob (<see cref="PayloadColumns.Blob"/>) that goes with them.</param>
/// <param name="Page">
/// For a page step (<see cref="CoarsePages"/>, on a pages table <see cref="TableNames.PagesOf"/>): the page kind. Pages
/// live in <c>P</c>yyyyMM partitions and are keyed by their day in the RowKey; a day's page goes as soon as any row it
/// packs is due — the hour page of a day once the first hour of that day is (its rows go by their own step, which
/// follows), the day page with its daily rows.
/// </param>
/// <param name="OldPages">
/// The pages a store written before pages had their own table holds in the aggregate table itself (<c>P</c> partitions):
/// no query reads them any more, so they all go, whatever their age (bounded per run like every step).
/// </param>
internal sealed record RetentionStep(
    string Table, string Tier, string Setting, Func<RetentionOptions, TimeSpan> Age, RetentionUnit Unit, string Prefix, RetentionGuard Guard, bool Payloads, char? Page = null,
    bool OldPages = false)
{
    /// <summary>The tier of the <see cref="OldPages"/> steps.</summary>
    public const string OldPagesTier = "old-pages";

    /// <summary>The tier of the minute rows of the aggregate tables.</summary>
    public const string MinuteTier = "minute";

    /// <summary>The tier of the hourly rows.</summary>
    public const string HourTier = "hour";

    /// <summary>The hour-page step of an aggregate table (null for any other table).</summary>
    public static RetentionStep? HourPagesOf(string table) =>
        All.FirstOrDefault(s => s.Page == CoarsePages.HourPage && s.Table == TableNames.PagesOf(table));

    /// <summary>Every step in the order a run takes them: data first, then the aggregates from the finest tier up.</summary>
    public static IReadOnlyList<RetentionStep> All { get; } = Build();

    private static List<RetentionStep> Build()
    {
        var steps = new List<RetentionStep>
        {
            new(TableNames.Records, "rows", nameof(RetentionOptions.Records), o => o.Records, RetentionUnit.Minute, string.Empty, RetentionGuard.WindowMarks, Payloads: true),
            new(TableNames.AggCalls, "calls", nameof(RetentionOptions.CallRecords), o => o.CallRecords, RetentionUnit.Minute, string.Empty, RetentionGuard.Calls, Payloads: false),
        };
        steps.AddRange(CoarseTiers.Tables.Select(t => new RetentionStep(t, MinuteTier, nameof(RetentionOptions.MinuteAggregates), o => o.MinuteAggregates, RetentionUnit.Minute, string.Empty, RetentionGuard.HourAndDayRows, false)));
        steps.AddRange(CoarseTiers.Tables.Select(t => new RetentionStep(
            TableNames.PagesOf(t), "hour-pages", nameof(RetentionOptions.HourlyAggregates), o => o.HourlyAggregates, RetentionUnit.Day, "P", RetentionGuard.None, false, CoarsePages.HourPage)));
        steps.AddRange(CoarseTiers.Tables.Select(t => new RetentionStep(t, HourTier, nameof(RetentionOptions.HourlyAggregates), o => o.HourlyAggregates, RetentionUnit.Hour, "H", RetentionGuard.DayRows, false)));
        steps.AddRange(CoarseTiers.Tables.Select(t => new RetentionStep(
            TableNames.PagesOf(t), "day-pages", nameof(RetentionOptions.DailyAggregates), o => o.DailyAggregates, RetentionUnit.Day, "P", RetentionGuard.None, false, CoarsePages.DayPage)));
        steps.AddRange(CoarseTiers.Tables.Select(t => new RetentionStep(t, "day", nameof(RetentionOptions.DailyAggregates), o => o.DailyAggregates, RetentionUnit.Day, "D", RetentionGuard.None, false)));
        steps.AddRange(CoarseTiers.Tables.Select(t => new RetentionStep(
            t, OldPagesTier, "(none: moved to " + TableNames.PagesOf(t) + ")", _ => TimeSpan.Zero, RetentionUnit.Day, "P", RetentionGuard.None, false, OldPages: true)));
        steps.Add(new(TableNames.DeadLetters, "rows", nameof(RetentionOptions.DeadLetters), o => o.DeadLetters, RetentionUnit.Day, string.Empty, RetentionGuard.None, Payloads: true));
        steps.Add(new(HealthStore.Table, "rows", nameof(RetentionOptions.IngestHealth), o => o.IngestHealth, RetentionUnit.Hour, string.Empty, RetentionGuard.None, false));
        steps.Add(new(ReconcileResultStore.TableName, "rows", nameof(RetentionOptions.Reconciliation), o => o.Reconciliation, RetentionUnit.Minute, string.Empty, RetentionGuard.None, false));
        return steps;
    }

    /// <summary>The key format of <see cref="Unit"/>.</summary>
    public string Format => Unit switch
    {
        RetentionUnit.Minute => Windows.KeyFormat,
        RetentionUnit.Hour => "yyyyMMddHH",
        _ => "yyyyMMdd",
    };

    /// <summary>
    /// The start of the unit holding <c>now − age</c>: a partition goes when its key is below this one's, i.e. when the
    /// whole of it lies before <c>now − age</c> — nothing younger than the setting is deleted.
    /// </summary>
    public DateTimeOffset Cutoff(DateTimeOffset now, RetentionOptions options)
    {
        var at = (now - Age(options)).ToUniversalTime();
        if (OldPages)
        {
            return CoarseTiers.FloorDay(at).AddDays(1); // every page day (today's included) is before it
        }

        if (Page == CoarsePages.HourPage && CoarseTiers.FloorHour(at) is var hour && hour > CoarseTiers.FloorDay(hour))
        {
            return CoarseTiers.FloorDay(hour).AddDays(1); // the day of the hourly cutoff has a due hour: its page goes
        }

        return Unit switch
        {
            RetentionUnit.Minute => Windows.MinuteOf(at),
            RetentionUnit.Hour => CoarseTiers.FloorHour(at),
            _ => CoarseTiers.FloorDay(at),
        };
    }

    /// <summary>The partition key (prefix) of a time.</summary>
    public string Key(DateTimeOffset time) => Prefix + time.ToString(Format, CultureInfo.InvariantCulture);

    /// <summary>The time a row of this step starts at: its partition key's (<see cref="TimeOf(string)"/>), or for a page its day.</summary>
    public DateTimeOffset? TimeOf(string partitionKey, string rowKey)
    {
        if (Page is not { } kind && !OldPages)
        {
            return TimeOf(partitionKey);
        }

        return partitionKey.StartsWith(Prefix, StringComparison.Ordinal) && CoarsePages.DayOf(rowKey) is { } page && (OldPages || page.Kind == Page) ? page.Day : null;
    }

    /// <summary>The time a partition key starts with; null when the key does not start with a time of this step (or this is a page step).</summary>
    public DateTimeOffset? TimeOf(string partitionKey)
    {
        if (Page is not null || OldPages)
        {
            return null;
        }

        var length = Prefix.Length + Format.Length;
        return partitionKey.Length >= length && partitionKey.StartsWith(Prefix, StringComparison.Ordinal)
            && DateTimeOffset.TryParseExact(partitionKey.AsSpan(Prefix.Length, Format.Length), Format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;
    }

    /// <summary>The first key after every key of this tier (digits sort before <c>A</c>; <c>H</c>… before <c>I</c>).</summary>
    private string End => Prefix.Length == 0 ? "A" : ((char)(Prefix[0] + 1)).ToString();

    /// <summary>The partitions that go: keys from this tier's first up to (not including) the cutoff's.</summary>
    public string ExpiredFilter(DateTimeOffset cutoff) => this switch
    {
        { Page: { } kind } => CoarsePages.RangeFilter(kind, DateTimeOffset.MinValue, cutoff),
        { OldPages: true } => TierFilter(), // every old page goes
        { Prefix.Length: 0 } => TableClient.CreateQueryFilter($"PartitionKey lt {Key(cutoff)}"),
        _ => TableReads.PartitionRangeFilter(Prefix, Key(cutoff)),
    };

    /// <summary>Every partition of this tier (to find the oldest row kept).</summary>
    public string TierFilter() => Page is { } kind
        ? TableReads.PartitionRangeFilter(Prefix, End) + TableClient.CreateQueryFilter($" and RowKey ge {kind.ToString()} and RowKey lt {((char)(kind + 1)).ToString()}")
        : TableReads.PartitionRangeFilter(Prefix, End);
}
