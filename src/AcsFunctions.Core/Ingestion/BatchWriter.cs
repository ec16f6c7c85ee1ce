using AcsFunctions.Storage;
using Azure.Data.Tables;

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
        var writes = await RowsAsync(prepared.State, cancellationToken);
        var rejected = await _writer.WriteAsync(writes, cancellationToken);
        await AfterWriteAsync(rejected, [prepared.State], cancellationToken);
        return Written(prepared.State);
    }

    /// <summary>Opens a stream of writes whose transactions share one in-flight bound (see <see cref="TableWriter.OpenStream"/>).</summary>
    internal TransactionStream OpenStream(CancellationToken cancellationToken) => _writer.OpenStream(cancellationToken);

    /// <summary>
    /// Starts one write of a stream on <paramref name="stream"/>: the rows of <paramref name="batch"/> (null: none, a
    /// flush at the end of the stream) with the rows <paramref name="carry"/> held back from the previous write; the last
    /// partial transaction of each of <paramref name="batch"/>'s partitions is held back for the next write. Returns once
    /// every transaction has started (the stream bounds how many are in flight, across writes); complete the writes with
    /// <see cref="CompleteStreamedAsync"/>, one at a time, in the order they were started.
    /// </summary>
    /// <exception cref="StorageUnavailableException">Storage stayed down; retry the whole batch later.</exception>
    internal async Task<StreamedWrite> StartStreamedAsync(BatchState? batch, PartialTransactions carry, TransactionStream stream, CancellationToken cancellationToken)
    {
        var plan = batch is null
            ? carry.Plan([], flush: true)
            : carry.Plan(await RowsAsync(batch, cancellationToken), flush: false);
        var submitted = new HashSet<TableEntity>(ReferenceEqualityComparer.Instance);
        foreach (var transaction in plan)
        {
            submitted.UnionWith(transaction.Entities);
        }

        return new StreamedWrite(await _writer.StartAsync(plan, stream, cancellationToken), submitted);
    }

    /// <summary>
    /// Completes a write <see cref="StartStreamedAsync"/> started with <paramref name="batch"/>'s rows (and the rows held
    /// back from <paramref name="previous"/>): waits for its transactions, dead-letters what the service refused and
    /// releases the written rows. Once it returns, every row of <paramref name="previous"/> is written (it can be finished).
    /// </summary>
    /// <exception cref="StorageUnavailableException">Storage stayed down; retry the whole batch later.</exception>
    internal async Task CompleteStreamedAsync(StreamedWrite write, BatchState? batch, BatchState? previous, CancellationToken cancellationToken)
    {
        var rejected = await write.Done;
        List<BatchState> owners = [];
        if (previous is not null)
        {
            owners.Add(previous);
        }

        if (batch is not null)
        {
            owners.Add(batch);
        }

        await AfterWriteAsync(rejected, owners, cancellationToken);
        foreach (var pending in previous?.Pending ?? [])
        {
            pending.Release();
        }

        foreach (var pending in batch?.Pending ?? [])
        {
            if (pending.Write.Entity is { } entity && write.Submitted.Contains(entity))
            {
                pending.Release();
            }
        }
    }

    /// <summary>A batch's rows to write (records, then dead letters), their oversized payloads moved to blobs first.</summary>
    private async Task<List<TableWrite>> RowsAsync(BatchState batch, CancellationToken cancellationToken)
    {
        var writes = new List<TableWrite>(batch.Pending.Count + batch.DeadLetters.Count);
        writes.AddRange(batch.Pending.Select(p => p.Write));
        writes.AddRange(batch.DeadLetters);
        await PayloadOffload.MoveAsync(_payloads, writes, batch.Offload, cancellationToken);
        return writes;
    }

    /// <summary>
    /// Dead-letters the records of <paramref name="owners"/> the service refused, writes those dead letters (never held
    /// back) and stores minimally the dead letters it refused.
    /// </summary>
    private async Task AfterWriteAsync(IReadOnlyList<RejectedWrite> rejected, List<BatchState> owners, CancellationToken cancellationToken)
    {
        if (rejected.Count == 0)
        {
            return;
        }

        var refusedDeadLetters = rejected.Where(IsDeadLetter).ToList();
        List<RejectedWrite> refusedRecords = [.. rejected.Where(r => !IsDeadLetter(r))];
        foreach (var owner in owners)
        {
            var preparedDeadLetters = owner.DeadLetters.Count;
            await _rejected.DeadLetterAsync(owner, refusedRecords, cancellationToken);
            var fresh = owner.DeadLetters.Skip(preparedDeadLetters).ToList();
            if (fresh.Count > 0)
            {
                await PayloadOffload.MoveAsync(_payloads, fresh, owner.Offload, cancellationToken);
                refusedDeadLetters.AddRange(await _writer.WriteAsync(fresh, cancellationToken));
            }
        }

        await PayloadOffload.StoreMinimalDeadLettersAsync(_payloads, _writer, refusedDeadLetters, cancellationToken);
    }

    /// <summary>What remains of a batch once every row of it is written: its counts, roll-up marks and observations.</summary>
    internal static WrittenBatch Written(BatchState batch) =>
        new(batch.ToResult(), [.. batch.Marks.Values], batch.AllObservations);

    private static bool IsDeadLetter(RejectedWrite rejected) =>
        string.Equals(rejected.Write.Table, TableNames.DeadLetters, StringComparison.Ordinal);
}

/// <summary>A write of a stream, started: its transactions' completion and the entities it submitted.</summary>
internal sealed record StreamedWrite(Task<IReadOnlyList<RejectedWrite>> Done, HashSet<TableEntity> Submitted);
