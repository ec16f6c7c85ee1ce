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
        var batch = prepared.State;
        var preparedDeadLetters = batch.DeadLetters.Count;
        var writes = new List<TableWrite>(batch.Pending.Count + preparedDeadLetters);
        writes.AddRange(batch.Pending.Select(p => p.Write));
        writes.AddRange(batch.DeadLetters);
        await PayloadOffload.MoveAsync(_payloads, writes, batch.Offload, cancellationToken);

        // Records and dead letters are independent rows: one WriteAsync submits all their transactions with the
        // writer's parallelism, so no phase waits for the slowest transaction of the one before.
        var rejected = await _writer.WriteAsync(writes, cancellationToken);
        var refusedDeadLetters = rejected.Where(IsDeadLetter).ToList();
        await _rejected.DeadLetterAsync(batch, [.. rejected.Where(r => !IsDeadLetter(r))], cancellationToken);

        // The dead letters added after the first write (for rows the service refused) are written now.
        var fresh = batch.DeadLetters.Skip(preparedDeadLetters).ToList();
        if (fresh.Count > 0)
        {
            await PayloadOffload.MoveAsync(_payloads, fresh, batch.Offload, cancellationToken);
            refusedDeadLetters.AddRange(await _writer.WriteAsync(fresh, cancellationToken));
        }

        await PayloadOffload.StoreMinimalDeadLettersAsync(_payloads, _writer, refusedDeadLetters, cancellationToken);
        return new WrittenBatch(batch.ToResult(), [.. batch.Marks.Values], batch.AllObservations);
    }

    private static bool IsDeadLetter(RejectedWrite rejected) =>
        string.Equals(rejected.Write.Table, TableNames.DeadLetters, StringComparison.Ordinal);
}
