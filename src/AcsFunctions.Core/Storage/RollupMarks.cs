using Azure.Data.Tables;

namespace AcsFunctions.Storage;

/// <summary>
/// Roll-up marks: ingest upserts one row per record partition it touched (a minute window of one category — all
/// its shards —, or one call); the roll-up recomputes exactly those and deletes a mark only if its ETag is
/// unchanged — i.e. nothing re-marked it meanwhile. Marks written by ingest are spread (#20) over
/// <c>kind|sNN</c> partitions by a hash of the mark's key, so the marks of many windows and calls do not all go to
/// one partition; one key is always in the same partition (one mark per key, as before). Marks from before #20 sit
/// in the bare <c>kind</c> partition: readers take every partition of a kind (<see cref="KindFilter"/>) and group by
/// RowKey, so a key marked both ways is recomputed once.
/// </summary>
public static class RollupMarks
{
    /// <summary>Mark kind: a windowed partition of the records table.</summary>
    public const string WindowKind = "window";

    /// <summary>Mark kind: a call partition of the call-records table.</summary>
    public const string CallKind = "call";

    /// <summary>Builds the mark row for a record partition (a sharded window key is marked by its base key).</summary>
    public static TableEntity Create(string kind, string recordPartitionKey, string resourceKey, string category, DateTimeOffset window, DateTimeOffset now)
    {
        var rowKey = RowKeyOf(kind, recordPartitionKey);
        return new(PartitionKeyOf(kind, rowKey), rowKey)
        {
            ["ResourceKey"] = resourceKey,
            ["Category"] = category,
            ["Window"] = window,
            ["MarkedAt"] = now,
            ["Token"] = Guid.NewGuid(),
        };
    }

    /// <summary>The mark's RowKey for a record partition: the base key of a (sharded) window partition, a call partition as it is.</summary>
    public static string RowKeyOf(string kind, string recordPartitionKey) =>
        kind == WindowKind ? KeyShards.BaseOf(recordPartitionKey) : recordPartitionKey;

    /// <summary>
    /// The PartitionKey of a mark: <c>kind|sNN</c> (shard of the RowKey) for the kinds ingest writes, the kind itself
    /// for the kinds the roll-up writes (one writer, bounded rate).
    /// </summary>
    public static string PartitionKeyOf(string kind, string rowKey) =>
        kind is WindowKind or CallKind ? kind + KeyShards.Suffix(KeyShards.Of(rowKey)) : kind;

    /// <summary>The kind of a mark's PartitionKey (<c>window|s03</c> → <c>window</c>).</summary>
    public static string KindOf(string partitionKey) => KeyShards.BaseOf(partitionKey);

    /// <summary>The filter for every mark of <paramref name="kind"/>: the bare partition (before #20) and its shards.</summary>
    public static string KindFilter(string kind) => KeyShards.PartitionFilter(kind);
}
