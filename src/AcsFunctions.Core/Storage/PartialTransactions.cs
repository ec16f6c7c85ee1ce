using Azure.Data.Tables;

namespace AcsFunctions.Storage;

/// <summary>
/// The partial transactions a streamed write holds back: the last, not-full transaction of each partition is kept and
/// planned again with the next write's rows of that partition, so a partition split across two groups of a stream
/// costs the transactions of one. A row is held back at most once (the next write submits it whatever its size), and
/// a plan with <c>flush</c> submits everything still held: flush before the stream ends or checkpoints (<see cref="Ingestion.StreamingIngest"/> does at the end).
/// </summary>
public sealed class PartialTransactions
{
    private List<TableWrite> _held = [];
    private HashSet<TableEntity> _heldEntities = new(ReferenceEqualityComparer.Instance);

    /// <summary>Rows held back, not yet submitted.</summary>
    public int Count => _held.Count;

    /// <summary>Whether <paramref name="entity"/> is held back (not yet submitted).</summary>
    public bool Holds(TableEntity entity) => _heldEntities.Contains(entity);

    /// <summary>
    /// Plans the held rows and then <paramref name="writes"/> into transactions (a later write of a RowKey wins). Returns
    /// the transactions to submit now; unless <paramref name="flush"/>, the last partial transaction of a partition made
    /// only of new rows is held back instead.
    /// </summary>
    internal List<TableBatch> Plan(IEnumerable<TableWrite> writes, bool flush)
    {
        // By key, not by reference: a held row whose RowKey comes again (the same record in the next group) is replaced
        // by the later write, and that write must not be held a second time in its place.
        var carried = _held.Select(w => (w.Table, w.Entity.PartitionKey, w.Entity.RowKey)).ToHashSet();
        var all = _held.Concat(writes);
        _held = [];
        _heldEntities = new(ReferenceEqualityComparer.Instance);
        var submit = new List<TableBatch>();
        foreach (var table in all.GroupBy(w => w.Table, StringComparer.Ordinal))
        {
            TableBatch? previous = null;
            foreach (var batch in TableBatch.Plan(table.Key, table.Select(w => w.Entity)))
            {
                // TableBatch.Plan yields a partition's transactions one after another, the partial one last.
                if (previous is not null && !string.Equals(previous.PartitionKey, batch.PartitionKey, StringComparison.Ordinal))
                {
                    Keep(previous, carried, flush, submit);
                }
                else if (previous is not null)
                {
                    submit.Add(previous);
                }

                previous = batch;
            }

            if (previous is not null)
            {
                Keep(previous, carried, flush, submit);
            }
        }

        return submit;
    }

    /// <summary>Holds a partition's last transaction back when it is partial, new and not a flush; else submits it.</summary>
    private void Keep(TableBatch last, HashSet<(string, string, string)> carried, bool flush, List<TableBatch> submit)
    {
        if (flush || last.Entities.Count >= EntityLimits.MaxBatchActions
            || (carried.Count > 0 && last.Entities.Any(e => carried.Contains((last.Table, e.PartitionKey, e.RowKey)))))
        {
            submit.Add(last);
            return;
        }

        foreach (var entity in last.Entities)
        {
            _held.Add(new TableWrite(last.Table, entity));
            _heldEntities.Add(entity);
        }
    }
}
