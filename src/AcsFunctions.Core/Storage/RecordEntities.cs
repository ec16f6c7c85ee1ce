namespace AcsFunctions.Storage;

/// <summary>
/// The storage side of record rows: their partition keys and columns fitted to the service's limits (strings over
/// 32,768 characters are cut with a <c>&lt;Name&gt;Truncated</c> flag — the raw copy keeps them whole; dates before
/// 1601 are kept as text). The rows themselves are built by the ingestion stage that knows dispatch types
/// (<c>AcsFunctions.Ingestion.RecordRows</c>): Storage depends on no dispatch type.
/// </summary>
public static class RecordEntities
{
    /// <summary>
    /// The base key of a windowed record partition, <c>yyyyMMddHHmm|resourceKey|category</c>: the PartitionKey of
    /// records stored before #20, and the RowKey of the roll-up mark that covers all shards of it.
    /// </summary>
    public static string WindowPartitionKey(DateTimeOffset time, string resourceKey, string category) =>
        KeyEncoder.Join(Windows.Key(time), resourceKey, category);

    /// <summary>
    /// PartitionKey of a windowed record: <c>yyyyMMddHHmm|resourceKey|category|sNN</c>, the shard a hash of the
    /// record's RowKey (its id), so a re-delivered record lands on the same row (<see cref="KeyShards"/>).
    /// </summary>
    public static string WindowPartitionKey(DateTimeOffset time, string resourceKey, string category, string rowKey) =>
        KeyShards.Append(WindowPartitionKey(time, resourceKey, category), rowKey);

    /// <summary>The base key (<see cref="WindowPartitionKey(DateTimeOffset, string, string)"/>) of a stored record's PartitionKey, sharded or not.</summary>
    public static string WindowBaseKey(string partitionKey) => KeyShards.BaseOf(partitionKey);

    /// <summary>
    /// PartitionKey of a call record: <c>resourceKey|correlationId</c>. Not sharded: a partition holds one call's
    /// records (a few per participant and stream), so load spreads over calls (docs/architecture.md, key design).
    /// </summary>
    public static string CallPartitionKey(string resourceKey, string correlationId) =>
        KeyEncoder.Join(resourceKey, correlationId);

    /// <summary>What <see cref="FitColumns"/> leaves of a string it cuts, in characters.</summary>
    public const int FittedStringChars = 1024;

    /// <summary>
    /// Cuts the longest string columns (never the keys) to <see cref="FittedStringChars"/> characters, each with its
    /// <c>&lt;Name&gt;Truncated</c> flag, until the entity's size is at most <paramref name="limit"/> bytes; returns the
    /// size. Each column may hold 32,768 characters, but ~16 of them at that length already exceed the service's 1 MiB
    /// per entity, which Azurite does not enforce. The raw copy keeps every value whole (in a blob, at that size).
    /// </summary>
    public static long FitColumns(IDictionary<string, object> entity, long limit)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var size = EntityLimits.EstimateSize(entity);
        while (size > limit)
        {
            string? longest = null;
            var length = FittedStringChars;
            foreach (var (name, value) in entity)
            {
                if (value is string s && s.Length > length && name is not ("PartitionKey" or "RowKey"))
                {
                    (longest, length) = (name, s.Length);
                }
            }

            if (longest is null)
            {
                break; // nothing left to cut: the service decides (a refusal is dead-lettered with its answer)
            }

            var text = (string)entity[longest];
            entity[longest] = text[..(char.IsHighSurrogate(text[FittedStringChars - 1]) ? FittedStringChars - 1 : FittedStringChars)]; // never half a pair
            entity[longest + "Truncated"] = true;
            size = EntityLimits.EstimateSize(entity);
        }

        return size;
    }

    /// <summary>Adds a column, adapting values the service cannot hold.</summary>
    public static void AddFitted(IDictionary<string, object> entity, string name, object value)
    {
        switch (value)
        {
            case string s when s.Length > EntityLimits.MaxStringChars:
                entity[name] = s[..EntityLimits.MaxStringChars];
                entity[name + "Truncated"] = true;
                break;
            case DateTimeOffset d when d < EntityLimits.MinDate:
                entity[name + "Raw"] = d.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
                break;
            case double d when !double.IsFinite(d):
                entity[name + "Raw"] = d.ToString(System.Globalization.CultureInfo.InvariantCulture);
                break;
            default:
                entity[name] = value;
                break;
        }
    }
}
