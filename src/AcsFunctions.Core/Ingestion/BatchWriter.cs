using AcsFunctions.Storage;

namespace AcsFunctions.Ingestion;

/// <summary>
/// The write stage: moves oversized payloads to blobs (<see cref="PayloadOffload"/>), writes a prepared batch's records
/// and dead letters, dead-letters the records the service refused (<see cref="RejectedRecords"/>) and stores minimally
/// the dead letters it refused. What it returns holds only the batch's counts, roll-up marks and observations, so a
/// streaming caller can drop the prepared rows and write the next batch's rows while this one is finished.
/// </summary>
public sealed class BatchWriter
{
    private readonly TableWriter _writer;
    private readonly PayloadStore _payloads;
    private readonly RejectedRecords _rejected;

    internal BatchWriter(TableWriter writer, PayloadStore payloads, RejectedRecords rejected)
    {
        _writer = writer;
        _payloads = payloads;
        _rejected = rejected;
    }

    /// <summary>Writes the rows of <paramref name="prepared"/> (once, batches in input order).</summary>
    /// <exception cref="StorageUnavailableException">Storage stayed down; retry the whole batch later.</exception>
    public async Task<WrittenBatch> WriteAsync(PreparedBatch prepared, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        await WriteStreamedAsync(prepared.State, null, null, cancellationToken);
        return Written(prepared.State);
    }

    /// <summary>
    /// One write of a stream (with no <paramref name="carry"/>: of one batch, all of it): the rows of <paramref name="batch"/> (null: none, a flush at the end of the stream) with
    /// the rows <paramref name="carry"/> held back from <paramref name="previous"/>; the last partial transaction of each
    /// of <paramref name="batch"/>'s partitions is held back for the next write. Once it returns, every row of
    /// <paramref name="previous"/> is written (it can be finished); <paramref name="batch"/>'s written rows are released.
    /// </summary>
    /// <exception cref="StorageUnavailableException">Storage stayed down; retry the whole batch later.</exception>
    internal async Task WriteStreamedAsync(BatchState? batch, BatchState? previous, PartialTransactions? carry, CancellationToken cancellationToken)
    {
        var owners = new List<(BatchState Batch, int DeadLetters)>(2);
        var writes = new List<TableWrite>();
        if (previous is not null)
        {
            owners.Add((previous, previous.DeadLetters.Count));
        }

        if (batch is not null)
        {
            owners.Add((batch, batch.DeadLetters.Count));
            writes.Capacity = batch.Pending.Count + batch.DeadLetters.Count;
            writes.AddRange(batch.Pending.Select(p => p.Write));
            writes.AddRange(batch.DeadLetters);
            await PayloadOffload.MoveAsync(_payloads, writes, batch.Offload, cancellationToken);
        }

        // Records and dead letters are independent rows: one WriteAsync submits all their transactions with the
        // writer's parallelism, so no phase waits for the slowest transaction of the one before.
        var rejected = carry is null ? await _writer.WriteAsync(writes, cancellationToken)
            : batch is null ? await _writer.FlushAsync(carry, cancellationToken)
            : await _writer.WriteAsync(writes, carry, cancellationToken);
        var refusedDeadLetters = rejected.Where(IsDeadLetter).ToList();
        List<RejectedWrite> refusedRecords = [.. rejected.Where(r => !IsDeadLetter(r))];
        foreach (var (owner, preparedDeadLetters) in owners)
        {
            await _rejected.DeadLetterAsync(owner, refusedRecords, cancellationToken);

            // The dead letters added for rows the service refused are written now (never held back).
            var fresh = owner.DeadLetters.Skip(preparedDeadLetters).ToList();
            if (fresh.Count > 0)
            {
                await PayloadOffload.MoveAsync(_payloads, fresh, owner.Offload, cancellationToken);
                refusedDeadLetters.AddRange(await _writer.WriteAsync(fresh, cancellationToken));
            }
        }

        await PayloadOffload.StoreMinimalDeadLettersAsync(_payloads, _writer, refusedDeadLetters, cancellationToken);
        if (batch is not null && carry is not null)
        {
            foreach (var pending in batch.Pending)
            {
                if (!carry.Holds(pending.Write.Entity))
                {
                    pending.Release();
                }
            }
        }
    }

    /// <summary>What remains of a batch once every row of it is written: its counts, roll-up marks and observations.</summary>
    internal static WrittenBatch Written(BatchState batch) =>
        new(batch.ToResult(), [.. batch.Marks.Values], batch.AllObservations);

    private static bool IsDeadLetter(RejectedWrite rejected) =>
        string.Equals(rejected.Write.Table, TableNames.DeadLetters, StringComparison.Ordinal);
}
