using Azure.Data.Tables;
using AcsFunctions.Dispatch;

namespace AcsFunctions.Storage;

/// <summary>
/// Builds the stored entity of an enriched record: deterministic keys, envelope + enriched columns, lineage and
/// the original (privacy-filtered) record. Column values are made to fit the service's limits (strings over
/// 32,768 characters are cut with a <c>&lt;Name&gt;Truncated</c> flag — the raw copy keeps them whole; dates
/// before 1601 are kept as text).
/// </summary>
public static class RecordEntities
{
    [ThreadStatic]
    private static Dictionary<string, object>? t_columns;

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

    /// <summary>The logical table a placement writes to.</summary>
    public static string TableFor(RecordPlacement placement) =>
        placement == RecordPlacement.Call ? TableNames.CallRecords : TableNames.Records;

    /// <summary>Builds the entity. Returns false (with the entity lacking its payload) when the payload must go to a blob.</summary>
    public static bool TryBuild(RecordContext context, EnrichedRecord enriched, ReadOnlySpan<byte> payload, out TableEntity entity)
    {
        string pk, rk;
        if (enriched.Placement == RecordPlacement.Call)
        {
            pk = CallPartitionKey(context.Resource.Key, context.CorrelationId ?? string.Empty);
            rk = KeyEncoder.Cap(enriched.CallRowKey ?? context.RecordId);
        }
        else
        {
            rk = context.RecordId;
            pk = WindowPartitionKey(context.Time, context.Resource.Key, context.Category, rk);
        }

        // The columns are collected in a reused dictionary and copied once into an entity of exactly their size
        // (adding ~40 columns to a new entity one by one regrows its dictionary five times).
        var columns = t_columns ??= new Dictionary<string, object>(64);
        columns.Clear();
        columns["PartitionKey"] = pk;
        columns["RowKey"] = rk;
        columns["Category"] = context.Category;
        columns["EventTime"] = context.Time;
        columns["Window"] = Windows.MinuteOf(context.Time);
        columns["ResourceId"] = context.Resource.Id;
        columns["ResourceName"] = context.Resource.Name;
        columns["ResourceKey"] = context.Resource.Key;
        columns["RecordId"] = context.RecordId;
        if (!string.Equals(context.RawCategory, context.Category, StringComparison.Ordinal))
        {
            columns["CategoryRaw"] = context.RawCategory;
        }

        SetIfNotNull(columns, "SubscriptionId", context.Resource.SubscriptionId);
        SetIfNotNull(columns, "ResourceGroup", context.Resource.ResourceGroup);
        SetIfNotNull(columns, "ResourceProvider", context.Resource.Provider);
        SetIfNotNull(columns, "CorrelationId", context.CorrelationId);
        SetIfNotNull(columns, "OperationName", context.OperationName);
        if (enriched.Unclassified)
        {
            columns["Unclassified"] = true;
        }

        LineageColumns.Add(columns, context.Lineage);
        foreach (var (name, value) in enriched.Columns)
        {
            if (columns.Count >= EntityLimits.MaxProperties - 8)
            {
                break; // never reached by our handlers; the raw copy keeps everything
            }

            if (!EntityLimits.IsValidColumnName(name))
            {
                columns["ColumnNameInvalid"] = true; // a handler made a name the service refuses: the raw copy keeps the value
                continue;
            }

            AddFitted(columns, name, value);
        }

        var fits = PayloadColumns.TryAdd(columns, payload);
        entity = new TableEntity(columns);
        columns.Clear();
        return fits;
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

    private static void SetIfNotNull(IDictionary<string, object> entity, string name, string? value)
    {
        if (value is not null)
        {
            AddFitted(entity, name, value);
        }
    }
}
