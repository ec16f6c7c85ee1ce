using AcsFunctions.Decoding;
using AcsFunctions.Storage;

namespace AcsFunctions.Ingestion;

/// <summary>
/// The rejected-write stage: a record row the service refused for a non-transient reason (a limit we did not foresee)
/// is dead-lettered with the service's answer, and no longer counted as stored. Rows are matched by table and keys,
/// not by instance: of two rows of a batch with the same keys (one record in two serializations) only the last is
/// written (<see cref="TableBatch.Plan"/>), and a refusal of that row is a refusal of both.
/// </summary>
internal sealed class RejectedRecords(DeadLetterRows deadLetters, PayloadStore payloads)
{
    /// <summary>Reason for an entity the service refused.</summary>
    public const string Reason = "storage-rejected";

    /// <summary>Dead-letters the records of <paramref name="batch"/> whose rows are among <paramref name="rejected"/>.</summary>
    public async Task DeadLetterAsync(BatchState batch, IReadOnlyList<RejectedWrite> rejected, CancellationToken cancellationToken)
    {
        if (rejected.Count == 0)
        {
            return;
        }

        var rejectedRows = new Dictionary<(string Table, string PartitionKey, string RowKey), string>();
        foreach (var r in rejected)
        {
            rejectedRows[Key(r.Write)] = r.Error;
        }

        foreach (var pending in batch.Pending)
        {
            if (pending.Write.Entity is null || !rejectedRows.TryGetValue(Key(pending.Write), out var error))
            {
                continue;
            }

            pending.Rejected = true;
            var payload = await PayloadColumns.ReadAsync(pending.Write.Entity, payloads, cancellationToken) ?? [];
            deadLetters.Add(batch, new DeadLetter(Reason, error, payload, pending.Lineage, pending.Category, pending.Time), payload, pending);
        }
    }

    private static (string Table, string PartitionKey, string RowKey) Key(TableWrite write) =>
        (write.Table, write.Entity.PartitionKey, write.Entity.RowKey);
}
