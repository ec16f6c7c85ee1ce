using Azure;
using Azure.Data.Tables;
using AcsFunctions.Storage;
using Microsoft.Extensions.Logging;

namespace AcsFunctions.Retention;

/// <summary>The deletes of a retention run: rows in transactions of ≤ 100 of one partition, If-Match, their payload blobs first.</summary>
internal sealed class RetentionDeletes(AcsStorage storage, TableWriter writer, ILogger logger)
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

    /// <summary>Deletes rows (payload blobs first), one transaction per partition and ≤ 100 rows, If-Match on the ETag read.</summary>
    /// <returns>The rows left because they changed or went meanwhile.</returns>
    public async Task<long> DeleteAsync(string table, IReadOnlyList<TableEntity> rows, bool payloads, RetentionTableResult result, RetentionRun run, CancellationToken cancellationToken)
    {
        if (run.DryRun)
        {
            lock (result)
            {
                result.Deleted += rows.Count;
            }

            return 0;
        }

        long conflicts = 0;

        var batches = rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal).SelectMany(g => g.Chunk(100)).ToList();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = storage.Options.MaxParallelBatches, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(batches, parallel, async (batch, ct) =>
        {
            var blobs = payloads ? await DeleteBlobsAsync(batch, ct) : 0;
            try
            {
                run.Transaction();
                await writer.SubmitTransactionAsync(table, [.. batch.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, r.ETag))], ct);
                lock (result)
                {
                    result.Deleted += batch.Length;
                    result.BlobsDeleted += blobs;
                }
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                RetentionLog.RetentionConflict(logger, batch.Length, table, batch[0].PartitionKey, ex.Status);
                Interlocked.Add(ref conflicts, batch.Length);
                lock (result)
                {
                    result.Conflicts += batch.Length;
                    result.BlobsDeleted += blobs;
                }
            }
        });
        return conflicts;
    }

    /// <summary>The payload blobs the rows name (blobs go first: a row left behind by a stop still names its blob for the next run).</summary>
    public async Task<int> DeleteBlobsAsync(IEnumerable<TableEntity> rows, CancellationToken cancellationToken)
    {
        var names = rows.Select(r => r.GetString(PayloadColumns.Blob)).OfType<string>().ToList();
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
