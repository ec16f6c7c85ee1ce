using Azure.Data.Tables;
using AcsFunctions.Decoding;

namespace AcsFunctions.Storage;

/// <summary>
/// Roll-up marks: ingest upserts one row per record partition it touched (a minute window of one category — all
/// its shards —, or one call); the roll-up recomputes exactly those and deletes a mark only if its ETag is
/// unchanged — i.e. nothing re-marked it meanwhile. Marks written by ingest are spread (#20) over
/// <c>kind|sNN</c> partitions by a hash of the writer's source (Event Hubs partition, file) and the mark's key, so
/// parallel ingesting instances do not all write one partition; the same key may then be marked in several
/// partitions, and readers take every partition of a kind (<see cref="KindFilter"/>) and group by RowKey. Marks
/// from before #20 sit in the bare <c>kind</c> partition and are read the same way.
/// </summary>
public static class RollupMarks
{
    /// <summary>Mark kind: a windowed partition of the records table.</summary>
    public const string WindowKind = "window";

    /// <summary>Mark kind: a call partition of the call-records table.</summary>
    public const string CallKind = "call";

    /// <summary>Builds the mark row for a record partition (a sharded window key is marked by its base key).</summary>
    public static TableEntity Create(string kind, string recordPartitionKey, string resourceKey, string category, DateTimeOffset window, DateTimeOffset now, string? source = null)
    {
        var rowKey = RowKeyOf(kind, recordPartitionKey);
        return new(PartitionKeyOf(kind, rowKey, source), rowKey)
        {
            ["ResourceKey"] = resourceKey,
            ["Category"] = category,
            ["Window"] = window,
            ["MarkedAt"] = now,
            ["Token"] = Guid.NewGuid(),
        };
    }

    /// <summary>As <see cref="Create"/> for a record ingested from <paramref name="lineage"/> (its source spreads the mark).</summary>
    public static TableEntity ForRecord(string kind, string recordPartitionKey, string resourceKey, string category, DateTimeOffset window, Lineage lineage, DateTimeOffset now) =>
        Create(kind, recordPartitionKey, resourceKey, category, window, now, SourceOf(lineage));

    /// <summary>The mark's RowKey for a record partition: the base key of a (sharded) window partition, a call partition as it is.</summary>
    public static string RowKeyOf(string kind, string recordPartitionKey) =>
        kind == WindowKind ? KeyShards.BaseOf(recordPartitionKey) : recordPartitionKey;

    /// <summary>
    /// The PartitionKey of a mark: <c>kind|sNN</c> for the kinds ingest writes (shard of <c>source|rowKey</c>), the kind
    /// itself for the kinds the roll-up writes (one writer, bounded rate). A key that already carries a shard is kept.
    /// </summary>
    public static string PartitionKeyOf(string kind, string rowKey, string? source) =>
        kind is WindowKind or CallKind ? kind + KeyShards.Suffix(KeyShards.Of((source ?? string.Empty) + "|" + rowKey)) : kind;

    /// <summary>The kind of a mark's PartitionKey (<c>window|s03</c> → <c>window</c>).</summary>
    public static string KindOf(string partitionKey) => KeyShards.BaseOf(partitionKey);

    /// <summary>The filter for every mark of <paramref name="kind"/>: the bare partition (before #20) and its shards.</summary>
    public static string KindFilter(string kind) => KeyShards.PartitionFilter(kind);

    /// <summary>What spreads an ingest's marks: the Event Hubs partition, else the file, else nothing.</summary>
    public static string? SourceOf(Lineage lineage)
    {
        ArgumentNullException.ThrowIfNull(lineage);
        return lineage.PartitionId is { } partition ? "eventhub:" + partition : lineage.File;
    }
}
