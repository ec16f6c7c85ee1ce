using System.Globalization;
using Azure.Data.Tables;
using AcsFunctions.Decoding;
using AcsFunctions.Records;

namespace AcsFunctions.Storage;

/// <summary>
/// Builds dead-letter rows. PartitionKey is the UTC day (<c>yyyyMMdd</c>) of the enqueued time, else of the
/// record's event time, else of the ingest time, with a shard suffix (<c>yyyyMMdd|sNN</c>, a hash of the RowKey,
/// #20) so a flood of refused records does not all go to one partition; RowKey is <c>reason|hash of the payload</c>,
/// so the same body re-delivered lands on the same row. Rows from before #20 have the bare day as PartitionKey;
/// readers take the day's range (<see cref="DayRangeFilter"/>), which holds both.
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

        var rk = KeyEncoder.Join(deadLetter.Reason, RecordId.HashBytes(deadLetter.Payload.Span));
        var pk = KeyShards.Append(DayKey(day), rk);
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

    /// <summary>The day part of a dead letter's PartitionKey.</summary>
    public static string DayKey(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>The filter for the dead letters of the days <c>[firstDay, lastDay]</c>, sharded or not: one range.</summary>
    public static string DayRangeFilter(DateTimeOffset firstDay, DateTimeOffset lastDay) =>
        Azure.Data.Tables.TableClient.CreateQueryFilter($"PartitionKey ge {DayKey(firstDay)} and PartitionKey lt {DayKey(lastDay.AddDays(1))}");
}
