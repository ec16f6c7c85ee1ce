using Azure.Data.Tables;
using AcsFunctions.Decoding;
using AcsFunctions.Storage;

namespace AcsFunctions.Ingestion;

/// <summary>
/// The rejected-write stage: a record row the service refused for a non-transient reason (a limit we did not foresee)
/// is dead-lettered with the service's answer, and no longer counted as stored.
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

        var rejectedEntities = new Dictionary<TableEntity, string>(ReferenceEqualityComparer.Instance);
        foreach (var r in rejected)
        {
            rejectedEntities[r.Write.Entity] = r.Error;
        }

        foreach (var pending in batch.Pending)
        {
            if (!rejectedEntities.TryGetValue(pending.Write.Entity, out var error))
            {
                continue;
            }

            pending.Rejected = true;
            var payload = await PayloadColumns.ReadAsync(pending.Write.Entity, payloads, cancellationToken) ?? [];
            deadLetters.Add(batch, new DeadLetter(Reason, error, payload, pending.Lineage, pending.Category, pending.Time), payload, pending);
        }
    }
}
