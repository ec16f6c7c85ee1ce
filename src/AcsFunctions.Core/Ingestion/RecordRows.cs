using Azure.Data.Tables;
using AcsFunctions.Dispatch;
using AcsFunctions.Storage;

namespace AcsFunctions.Ingestion;

/// <summary>
/// The build-rows stage: the stored entity of an enriched record — deterministic keys
/// (<see cref="RecordEntities.WindowPartitionKey(DateTimeOffset, string, string, string)"/>, <see cref="RecordEntities.CallPartitionKey"/>), envelope + enriched
/// columns, lineage and the original (privacy-filtered) record — and the roll-up mark of its partition. Column values
/// are made to fit the service's limits (<see cref="RecordEntities.AddFitted"/>: strings over 32,768 characters are cut
/// with a <c>&lt;Name&gt;Truncated</c> flag — the raw copy keeps them whole; dates before 1601 are kept as text).
/// </summary>
public static class RecordRows
{
    [ThreadStatic]
    private static Dictionary<string, object>? t_columns;

    [ThreadStatic]
    private static HashSet<string>? t_validNames;

    /// <summary>The logical table a placement writes to.</summary>
    public static string TableFor(RecordPlacement placement) =>
        placement == RecordPlacement.Call ? TableNames.CallRecords : TableNames.Records;

    /// <summary>The roll-up mark kind of a placement.</summary>
    public static string MarkKindFor(RecordPlacement placement) =>
        placement == RecordPlacement.Call ? RollupMarks.CallKind : RollupMarks.WindowKind;

    /// <summary>Builds the entity. Returns false (with the entity lacking its payload) when the payload must go to a blob.</summary>
    public static bool TryBuild(RecordContext context, EnrichedRecord enriched, ReadOnlySpan<byte> payload, out TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(enriched);
        return TryBuild(context, enriched, payload, RecordPartition.For(context, enriched.Placement), out entity);
    }

    /// <summary>
    /// As <see cref="TryBuild(RecordContext, EnrichedRecord, ReadOnlySpan{byte}, out TableEntity)"/>, with the keys of
    /// the record's partition already made (<see cref="RecordPartitions"/>: once per partition of a batch).
    /// </summary>
    internal static bool TryBuild(RecordContext context, EnrichedRecord enriched, ReadOnlySpan<byte> payload, RecordPartition partition, out TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(enriched);
        var rk = enriched.Placement == RecordPlacement.Call ? KeyEncoder.Cap(enriched.CallRowKey ?? context.RecordId) : context.RecordId;
        var pk = partition.PartitionKeyFor(rk); // a window's is sharded by the record id (#20)

        // The columns are collected in a reused dictionary and copied once into an entity of exactly their size
        // (adding ~40 columns to a new entity one by one regrows its dictionary five times; TableEntity takes no
        // capacity, and its copy of a Dictionary moves the entries with their hashes, without hashing them again).
        var columns = t_columns ??= new Dictionary<string, object>(64);
        columns.Clear();
        columns["PartitionKey"] = pk;
        columns["RowKey"] = rk;
        columns["Category"] = context.Category;
        columns["EventTime"] = context.Time;
        columns["Window"] = partition.Window ?? Windows.MinuteOf(context.Time);
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

            if (!IsValidColumnName(name))
            {
                columns["ColumnNameInvalid"] = true; // a handler made a name the service refuses: the raw copy keeps the value
                continue;
            }

            RecordEntities.AddFitted(columns, name, value);
        }

        var fits = PayloadColumns.TryAdd(columns, payload);
        entity = new TableEntity(columns);
        columns.Clear();
        return fits;
    }

    /// <summary>
    /// <see cref="EntityLimits.IsValidColumnName"/>, remembered per name instance: handlers name their columns with
    /// the same literals in every record (a name built per record is checked each time; the set is bounded).
    /// </summary>
    private static bool IsValidColumnName(string name)
    {
        var valid = t_validNames ??= new HashSet<string>(ReferenceEqualityComparer.Instance);
        if (valid.Contains(name))
        {
            return true;
        }

        if (!EntityLimits.IsValidColumnName(name))
        {
            return false;
        }

        if (valid.Count >= 4096)
        {
            valid.Clear();
        }

        valid.Add(name);
        return true;
    }

    private static void SetIfNotNull(IDictionary<string, object> entity, string name, string? value)
    {
        if (value is not null)
        {
            RecordEntities.AddFitted(entity, name, value);
        }
    }
}
