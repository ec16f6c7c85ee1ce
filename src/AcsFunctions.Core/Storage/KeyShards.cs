using Azure.Data.Tables;

namespace AcsFunctions.Storage;

/// <summary>
/// Shard suffixes that spread a hot PartitionKey over <see cref="Count"/> partitions (issue #20): the suffix
/// <c>|sNN</c> (two hex digits) follows the time/resource/category prefix, so one prefix range read still covers
/// every shard, and the shard is a stable hash of something the row is keyed by (its RowKey: the record id, the
/// dead letter's payload hash), so a re-delivered row lands on the same row of the same partition. Keys written
/// before shards existed have no suffix; readers take both (<see cref="PartitionFilter"/>, <see cref="BaseOf"/>).
/// </summary>
public static class KeyShards
{
    /// <summary>
    /// Shards per hot key: 16. At 20,000 records/s of one key (the storage account's whole ~20,000 entities/s) a
    /// shard takes ~1,250 writes/s on average, under the ~2,000 entities/s a partition is meant to serve. Fixed:
    /// changing it would move re-delivered rows to another partition.
    /// </summary>
    public const int Count = 16;

    /// <summary>The shard (0 … <see cref="Count"/> − 1) of a key component: FNV-1a over its UTF-16 code units.</summary>
    public static int Of(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var hash = 2166136261u;
        foreach (var c in value)
        {
            hash = (hash ^ c) * 16777619u;
        }

        // Fold the high bits in: FNV's low bits alone are weaker.
        return (int)((hash ^ (hash >> 16)) % Count);
    }

    /// <summary>The suffix of shard <paramref name="shard"/>: <c>|s00</c> … <c>|s0f</c>.</summary>
    public static string Suffix(int shard) => _suffixes[shard];

    // Built once: the suffix is appended to every record's key on the ingest path.
    private static readonly string[] _suffixes =
        [.. Enumerable.Range(0, Count).Select(s => "|s" + s.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary><paramref name="baseKey"/> with the shard of <paramref name="shardBy"/> appended (the base capped so the whole key fits).</summary>
    public static string Append(string baseKey, string shardBy) => CappedBase(baseKey) + Suffix(Of(shardBy));

    /// <summary>
    /// The part of every sharded key of <paramref name="baseKey"/> before its suffix (the base capped so the whole key
    /// fits): what <see cref="BaseOf"/> gives back from <see cref="Append"/>'s keys. Callers that shard many rows of
    /// one base compute it once and append <see cref="Suffix"/> of each row's shard.
    /// </summary>
    public static string CappedBase(string baseKey) => KeyEncoder.Cap(baseKey, KeyEncoder.MaxKeyLength - 4);

    /// <summary>True when <paramref name="key"/> ends with a shard suffix (<c>|s</c> + two hex digits).</summary>
    public static bool HasSuffix(string key) =>
        key.Length > 4 && key[^4] == '|' && key[^3] == 's' && char.IsAsciiHexDigitLower(key[^2]) && char.IsAsciiHexDigitLower(key[^1]);

    /// <summary>The key without its shard suffix (an unsharded key is returned as it is).</summary>
    public static string BaseOf(string key) => HasSuffix(key) ? key[..^4] : key;

    /// <summary>
    /// The filter for every partition of <paramref name="baseKey"/>: the unsharded key (stores written before #20)
    /// and its shards (one range). The range may also hold a longer base that starts with <c>baseKey|</c>; callers
    /// keep only rows whose <see cref="BaseOf"/> equals <paramref name="baseKey"/>.
    /// </summary>
    public static string PartitionFilter(string baseKey) =>
        TableClient.CreateQueryFilter($"(PartitionKey eq {baseKey} or (PartitionKey ge {baseKey + "|"} and PartitionKey lt {baseKey + "}"}))");
}
