using Azure;
using Azure.Data.Tables;
using AcsFunctions.Storage;
using Microsoft.Extensions.Logging;

namespace AcsFunctions.Retention;

/// <summary>
/// The deletes of a retention run: rows in transactions of ≤ 100 of one partition, If-Match, then their payload blobs.
/// A row goes before its blob, so a row never names a missing blob: when the row delete fails (412, the row changed
/// meanwhile) the blob stays with the row. A transaction whose rows name blobs first records them (<see cref="BlobIntent"/>),
/// so when a run stops between the two deletes the next run finds the blobs and deletes those whose row is gone
/// (<see cref="RecoverAsync"/>): no blob is orphaned for good.
/// </summary>
internal sealed class RetentionDeletes(AcsStorage storage, TableWriter writer, TimeProvider time, ILogger logger)
{
    public async Task DeleteIfExistsAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        try
        {
            await storage.GetTable(table).DeleteEntityAsync(partitionKey, rowKey, ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
    }

    /// <summary>Deletes rows, one transaction per partition and ≤ 100 rows, If-Match on the ETag read; then the payload blobs of the rows that went.</summary>
    /// <returns>The rows left because they changed or went meanwhile.</returns>
    public async Task<long> DeleteAsync(string table, IReadOnlyList<TableEntity> rows, bool payloads, RetentionTableResult result, RetentionRun run, CancellationToken cancellationToken)
    {
        if (run.DryRun)
        {
            lock (result)
            {
                result.WouldDelete += rows.Count;
            }

            return 0;
        }

        long conflicts = 0;

        var batches = rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal).SelectMany(g => g.Chunk(100)).ToList();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = storage.Options.MaxParallelBatches, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(batches, parallel, async (batch, ct) =>
        {
            var intents = new List<(BlobIntent, ETag)>();
            foreach (var intent in payloads ? BlobIntent.Of(table, batch, time.GetUtcNow()) : [])
            {
                intents.Add((intent, await RetentionState.WriteIntentAsync(storage, intent, ct)));
            }

            try
            {
                run.Transaction();
                await writer.SubmitTransactionAsync(table, [.. batch.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, r.ETag))], ct);
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                await ForgetAsync(intents, ct);

                // The transaction is all or nothing: every row of the batch stays, and so do the blobs they name.
                RetentionLog.RetentionConflict(logger, batch.Length, table, batch[0].PartitionKey, ex.Status);
                Interlocked.Add(ref conflicts, batch.Length);
                lock (result)
                {
                    result.Conflicts += batch.Length;
                }

                return;
            }

            var blobs = payloads ? await DeleteBlobsAsync(batch.Select(r => r.GetString(PayloadColumns.Blob)), ct) : 0;
            await ForgetAsync(intents, ct);
            lock (result)
            {
                result.Deleted += batch.Length;
                result.BlobsDeleted += blobs;
            }
        });
        return conflicts;
    }

    /// <summary>
    /// Finishes the blob deletes of runs that stopped between a row delete and its blob delete: every blob an intent older
    /// than <see cref="BlobIntent.Grace"/> names is deleted right after a point read finds its row gone, then the intent
    /// (If-Match). A row that still exists keeps its blob; a younger intent belongs to a run that may still be in flight.
    /// </summary>
    /// <returns>The orphan blobs deleted.</returns>
    public async Task<int> RecoverAsync(IReadOnlyList<(BlobIntent Intent, ETag ETag)> intents, RetentionRun run, CancellationToken cancellationToken)
    {
        var deleted = 0;
        var finished = 0;
        var before = time.GetUtcNow() - BlobIntent.Grace;
        foreach (var (intent, etag) in intents.Where(i => i.Intent.Written < before))
        {
            foreach (var (rowKey, blob) in intent.Rows)
            {
                var row = await storage.GetTable(intent.Table).GetEntityIfExistsAsync<TableEntity>(intent.PartitionKey, rowKey, ["PartitionKey"], cancellationToken);
                run.Guards.Add(1, row.HasValue ? 1 : 0);
                if (!row.HasValue)
                {
                    deleted += await DeleteBlobsAsync([blob], cancellationToken);
                }
            }

            await RetentionState.DeleteIntentAsync(storage, intent, etag, cancellationToken);
            finished++;
        }

        if (deleted > 0)
        {
            RetentionLog.OrphanBlobsDeleted(logger, deleted, finished);
        }

        return deleted;
    }

    private async Task ForgetAsync(List<(BlobIntent Intent, ETag ETag)> intents, CancellationToken cancellationToken)
    {
        foreach (var (intent, etag) in intents)
        {
            await RetentionState.DeleteIntentAsync(storage, intent, etag, cancellationToken);
        }
    }

    /// <summary>The payload blobs that deleted rows named (after the rows: a row never names a missing blob).</summary>
    private async Task<int> DeleteBlobsAsync(IEnumerable<string?> blobs, CancellationToken cancellationToken)
    {
        var names = blobs.OfType<string>().ToList();
        if (names.Count == 0 || storage.BlobService is not { } service)
        {
            return 0;
        }

        var container = service.GetBlobContainerClient(storage.Options.PayloadContainer);
        var deleted = 0;
        foreach (var name in names)
        {
            try
            {
                if ((await container.DeleteBlobIfExistsAsync(name, cancellationToken: cancellationToken)).Value)
                {
                    deleted++;
                }
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // the container is gone: so is the blob
            }
        }

        return deleted;
    }
}
