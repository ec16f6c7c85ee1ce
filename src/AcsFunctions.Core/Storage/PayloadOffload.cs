using Azure.Data.Tables;
using AcsFunctions.Records;

namespace AcsFunctions.Storage;

/// <summary>
/// Moves payloads too large for their row to blobs just before the rows are written: the blob is written first, then
/// the row points at it (<see cref="PayloadColumns.SetBlob"/>), so a row never points at a missing blob. A dead letter
/// the service refused even so is stored as a minimal row with its payload in a blob: a dead letter is never lost.
/// </summary>
public static class PayloadOffload
{
    /// <summary>Writes the blob of every write in <paramref name="writes"/> whose payload waits in <paramref name="offload"/>.</summary>
    public static async Task MoveAsync(PayloadStore payloads, IEnumerable<TableWrite> writes, Dictionary<TableEntity, byte[]> offload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payloads);
        ArgumentNullException.ThrowIfNull(writes);
        ArgumentNullException.ThrowIfNull(offload);
        if (offload.Count == 0)
        {
            return;
        }

        foreach (var write in writes)
        {
            if (offload.Remove(write.Entity, out var bytes))
            {
                var blob = BlobName(write.Table, write.Entity);
                await payloads.PutAsync(blob, bytes, cancellationToken);
                PayloadColumns.SetBlob(write.Entity, blob);
            }
        }
    }

    /// <summary>Stores every dead letter the service <paramref name="refused"/> as a minimal row with its payload in a blob.</summary>
    /// <exception cref="InvalidOperationException">The service refused even the minimal rows.</exception>
    public static async Task StoreMinimalDeadLettersAsync(PayloadStore payloads, TableWriter writer, IReadOnlyList<RejectedWrite> refused, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payloads);
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(refused);
        if (refused.Count == 0)
        {
            return;
        }

        var minimal = new List<TableWrite>();
        foreach (var r in refused)
        {
            var payload = await PayloadColumns.ReadAsync(r.Write.Entity, payloads, cancellationToken) ?? [];
            var entity = new TableEntity(r.Write.Entity.PartitionKey, r.Write.Entity.RowKey)
            {
                ["Reason"] = r.Write.Entity.GetString("Reason"),
                ["Detail"] = "Stored minimally: " + r.Error,
            };
            var blob = BlobName(TableNames.DeadLetters, entity);
            await payloads.PutAsync(blob, payload, cancellationToken);
            PayloadColumns.SetBlob(entity, blob);
            minimal.Add(new TableWrite(TableNames.DeadLetters, entity));
        }

        var still = await writer.WriteAsync(minimal, cancellationToken);
        if (still.Count > 0)
        {
            throw new InvalidOperationException($"Table storage refused {still.Count} minimal dead-letter rows: {still[0].Error}");
        }
    }

    private static string BlobName(string table, TableEntity entity) =>
        $"{table.ToLowerInvariant()}/{RecordId.HashBytes(System.Text.Encoding.UTF8.GetBytes(entity.PartitionKey + "\n" + entity.RowKey))}.json";
}
