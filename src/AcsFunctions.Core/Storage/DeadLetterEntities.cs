using System.Globalization;
using Azure.Data.Tables;
using AcsFunctions.Decoding;
using AcsFunctions.Records;

namespace AcsFunctions.Storage;

/// <summary>
/// Builds dead-letter rows. PartitionKey is the UTC day (<c>yyyyMMdd</c>) of the enqueued time, else of the
/// record's event time, else of the ingest time; RowKey is <c>reason|hash of the payload</c>, so the same
/// body re-delivered lands on the same row.
/// </summary>
public static class DeadLetterEntities
{
    /// <summary>Builds the entity. Returns false when the payload must go to a blob.</summary>
    public static bool TryBuild(DeadLetter deadLetter, ReadOnlySpan<byte> payload, DateTimeOffset now, out TableEntity entity)
    {
        var day = deadLetter.Lineage.EnqueuedTime ?? deadLetter.EventTime ?? now;
        if (day < EntityLimits.MinDate)
        {
            day = now;
        }

        var pk = day.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var rk = KeyEncoder.Join(deadLetter.Reason, RecordId.HashBytes(deadLetter.Payload.Span));
        entity = new TableEntity(pk, rk)
        {
            ["Reason"] = deadLetter.Reason,
        };
        RecordEntities.AddFitted(entity, "Detail", deadLetter.Detail);
        if (deadLetter.Category is not null)
        {
            RecordEntities.AddFitted(entity, "Category", deadLetter.Category);
        }

        if (deadLetter.EventTime is { } eventTime)
        {
            RecordEntities.AddFitted(entity, "EventTime", eventTime);
        }

        LineageColumns.Add(entity, deadLetter.Lineage);
        return PayloadColumns.TryAdd(entity, payload);
    }
}
