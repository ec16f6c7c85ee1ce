using AcsFunctions.Decoding;
using Azure.Data.Tables;

namespace AcsFunctions.Storage;

/// <summary>The lineage columns stored on every record and dead letter.</summary>
public static class LineageColumns
{
    /// <summary>Adds the known lineage fields to <paramref name="entity"/>.</summary>
    public static void Add(IDictionary<string, object> entity, Lineage lineage)
    {
        Set(entity, "SourcePartition", lineage.PartitionId);
        Set(entity, "SourceSequenceNumber", lineage.SequenceNumber);
        Set(entity, "SourceOffset", lineage.Offset);
        if (lineage.EnqueuedTime is { } enqueued && enqueued >= EntityLimits.MinDate)
        {
            entity["SourceEnqueuedTime"] = enqueued;
        }

        Set(entity, "SourceFile", lineage.File is { Length: > 1024 } f ? f[^1024..] : lineage.File);
        Set(entity, "SourceLine", lineage.Line);
    }

    /// <summary>Reads lineage back from an entity.</summary>
    public static Lineage Read(TableEntity entity) => new()
    {
        PartitionId = entity.GetString("SourcePartition"),
        SequenceNumber = entity.GetInt64("SourceSequenceNumber"),
        Offset = entity.GetString("SourceOffset"),
        EnqueuedTime = entity.GetDateTimeOffset("SourceEnqueuedTime"),
        File = entity.GetString("SourceFile"),
        Line = entity.GetInt64("SourceLine"),
    };

    private static void Set(IDictionary<string, object> entity, string name, object? value)
    {
        if (value is not null)
        {
            entity[name] = value;
        }
    }
}
