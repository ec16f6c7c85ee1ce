using AcsFunctions.Dispatch;
using AcsFunctions.Storage;

namespace AcsFunctions.Ingestion;

/// <summary>
/// The record partitions one batch (or one thread's part of it) has met, so each partition's keys are made once
/// instead of once per record: its PartitionKeys (a window's 16 shards, a call's key), its roll-up mark's RowKey and
/// kind, the boxed <c>Window</c> column, and whether the batch (or part) already holds its mark. An entry is made by
/// <see cref="RecordPartition.For"/>, exactly what one record without the cache gets, so the keys never depend on it.
/// The keys are kept per thread across parts and batches (issue 18: a batch prepared on two threads is 8 parts, and
/// each made every partition's keys again, ~300 bytes per record), at most <see cref="MaxKept"/> partitions of each
/// kind (emptied when full); whether a part holds a partition's mark is a stamp of the part on the entry. Not
/// thread-safe: one per <see cref="BatchState"/>, used by one thread at a time.
/// </summary>
internal sealed class RecordPartitions
{
    /// <summary>The most partitions of each kind a thread keeps the keys of (a batch meets a few minutes × categories).</summary>
    internal const int MaxKept = 512;

    private static int s_lastId;

    [ThreadStatic]
    private static Dictionary<(long Minute, string ResourceKey, string Category), RecordPartition>? t_windows;

    [ThreadStatic]
    private static Dictionary<(string ResourceKey, string CorrelationId), RecordPartition>? t_calls;

    // This batch's (or part's) stamp on the entries it marked: unique per instance, never 0 (an unmarked entry's).
    private readonly int _id = NextId();

    // Records of one body mostly share their partition: the last one is checked first, by reference.
    private RecordPartition? _last;

    /// <summary>The partition <paramref name="context"/>'s record is stored in.</summary>
    public RecordPartition Of(RecordContext context, RecordPlacement placement)
    {
        var resourceKey = context.Resource.Key;
        if (placement == RecordPlacement.Call)
        {
            var correlationId = context.CorrelationId ?? string.Empty;
            if (_last is { IsCall: true } lastCall && ReferenceEquals(lastCall.ResourceKey, resourceKey) && string.Equals(lastCall.Discriminator, correlationId, StringComparison.Ordinal))
            {
                return lastCall;
            }

            var calls = t_calls ??= [];
            if (!calls.TryGetValue((resourceKey, correlationId), out var call))
            {
                call = RecordPartition.For(context, placement);
                Keep(calls, (resourceKey, correlationId), call);
            }

            return _last = call;
        }

        var minute = context.Time.UtcTicks / TimeSpan.TicksPerMinute;
        if (_last is { IsCall: false } last && last.Minute == minute && ReferenceEquals(last.ResourceKey, resourceKey) && ReferenceEquals(last.Discriminator, context.Category))
        {
            return last;
        }

        var windows = t_windows ??= [];
        if (!windows.TryGetValue((minute, resourceKey, context.Category), out var window))
        {
            window = RecordPartition.For(context, placement);
            Keep(windows, (minute, resourceKey, context.Category), window);
        }

        return _last = window;
    }

    /// <summary>
    /// True the first time this batch (or part) meets <paramref name="partition"/> — its roll-up mark is to be made —
    /// false after.
    /// </summary>
    public bool TryMark(RecordPartition partition)
    {
        ArgumentNullException.ThrowIfNull(partition);
        if (partition.MarkedBy == _id)
        {
            return false;
        }

        partition.MarkedBy = _id;
        return true;
    }

    private static int NextId()
    {
        int id;
        do
        {
            id = Interlocked.Increment(ref s_lastId);
        }
        while (id == 0);

        return id;
    }

    private static void Keep<TKey>(Dictionary<TKey, RecordPartition> kept, TKey key, RecordPartition partition)
        where TKey : notnull
    {
        if (kept.Count >= MaxKept)
        {
            kept.Clear();
        }

        kept[key] = partition;
    }
}

/// <summary>One record partition's keys (see <see cref="RecordPartitions"/>).</summary>
internal sealed class RecordPartition
{
    private readonly string? _callKey;
    private readonly string? _windowBase;
    private readonly string?[]? _shards;

    private RecordPartition(bool isCall, long minute, string resourceKey, string discriminator, string? callKey, string? windowBase, object? window)
    {
        IsCall = isCall;
        Minute = minute;
        ResourceKey = resourceKey;
        Discriminator = discriminator;
        _callKey = callKey;
        _windowBase = windowBase;
        _shards = windowBase is null ? null : new string?[KeyShards.Count];
        Window = window;
        MarkKind = isCall ? RollupMarks.CallKind : RollupMarks.WindowKind;
        MarkRowKey = callKey ?? windowBase!;
    }

    /// <summary>True for a call partition (<see cref="RecordPlacement.Call"/>), false for a window partition.</summary>
    public bool IsCall { get; }

    /// <summary>A window partition's minute (UTC ticks / ticks per minute).</summary>
    public long Minute { get; }

    /// <summary>The resource's key.</summary>
    public string ResourceKey { get; }

    /// <summary>A window partition's category, a call partition's correlation id.</summary>
    public string Discriminator { get; }

    /// <summary>A window partition's <c>Window</c> column, boxed once; null for a call partition (its records' windows differ).</summary>
    public object? Window { get; }

    /// <summary>The roll-up mark kind of the partition.</summary>
    public string MarkKind { get; }

    /// <summary>
    /// The roll-up mark's RowKey: the window's base key (all shards, as <see cref="RollupMarks.RowKeyOf"/> gives it
    /// from any of their PartitionKeys) or the call's PartitionKey.
    /// </summary>
    public string MarkRowKey { get; }

    /// <summary>The stamp of the last batch (or part) that made this partition's mark (see <see cref="RecordPartitions.TryMark"/>); 0 for none.</summary>
    public int MarkedBy { get; set; }

    /// <summary>The keys of <paramref name="context"/>'s partition, computed as for a single record.</summary>
    public static RecordPartition For(RecordContext context, RecordPlacement placement)
    {
        ArgumentNullException.ThrowIfNull(context);
        var resourceKey = context.Resource.Key;
        if (placement == RecordPlacement.Call)
        {
            var correlationId = context.CorrelationId ?? string.Empty;
            return new RecordPartition(true, 0, resourceKey, correlationId, RecordEntities.CallPartitionKey(resourceKey, correlationId), null, null);
        }

        var windowBase = KeyShards.CappedBase(RecordEntities.WindowPartitionKey(context.Time, resourceKey, context.Category));
        return new RecordPartition(false, context.Time.UtcTicks / TimeSpan.TicksPerMinute, resourceKey, context.Category, null, windowBase, Windows.MinuteOf(context.Time));
    }

    /// <summary>
    /// The PartitionKey of the record keyed <paramref name="rowKey"/>: the call's key, or the window shard of the
    /// record id (<see cref="RecordEntities.WindowPartitionKey(DateTimeOffset, string, string, string)"/>, #20).
    /// </summary>
    public string PartitionKeyFor(string rowKey)
    {
        if (_callKey is not null)
        {
            return _callKey;
        }

        var shard = KeyShards.Of(rowKey);
        return _shards![shard] ??= _windowBase + KeyShards.Suffix(shard);
    }
}
