using Azure.Data.Tables;
using AcsFunctions.Dispatch;
using AcsFunctions.Storage;

namespace AcsFunctions.Ingestion;

/// <summary>
/// The build-rows stage: the stored entity of an enriched record — deterministic keys
/// (<see cref="RecordEntities.WindowPartitionKey"/>, <see cref="RecordEntities.CallPartitionKey"/>), envelope + enriched
/// columns, lineage and the original (privacy-filtered) record — and the roll-up mark of its partition. Column values
/// are made to fit the service's limits (<see cref="RecordEntities.AddFitted"/>: strings over 32,768 characters are cut
/// with a <c>&lt;Name&gt;Truncated</c> flag — the raw copy keeps them whole; dates before 1601 are kept as text).
/// </summary>
public static class RecordRows
{
    [ThreadStatic]
    private static Dictionary<string, object>? t_columns;

    /// <summary>The logical table a placement writes to.</summary>
    public static string TableFor(RecordPlacement placement) =>
        placement == RecordPlacement.Call ? TableNames.CallRecords : TableNames.Records;

    /// <summary>The roll-up mark kind of a placement.</summary>
    public static string MarkKindFor(RecordPlacement placement) =>
        placement == RecordPlacement.Call ? RollupMarks.CallKind : RollupMarks.WindowKind;

    /// <summary>Builds the entity. Returns false (with the entity lacking its payload) when the payload must go to a blob.</summary>
    public static bool TryBuild(RecordContext context, EnrichedRecord enriched, ReadOnlySpan<byte> payload, out TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(enriched);
        string pk, rk;
        if (enriched.Placement == RecordPlacement.Call)
        {
            pk = RecordEntities.CallPartitionKey(context.Resource.Key, context.CorrelationId ?? string.Empty);
            rk = KeyEncoder.Cap(enriched.CallRowKey ?? context.RecordId);
        }
        else
        {
            pk = RecordEntities.WindowPartitionKey(context.Time, context.Resource.Key, context.Category);
            rk = context.RecordId;
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

            RecordEntities.AddFitted(columns, name, value);
        }

        var fits = PayloadColumns.TryAdd(columns, payload);
        entity = new TableEntity(columns);
        columns.Clear();
        return fits;
    }

    private static void SetIfNotNull(IDictionary<string, object> entity, string name, string? value)
    {
        if (value is not null)
        {
            RecordEntities.AddFitted(entity, name, value);
        }
    }
}
