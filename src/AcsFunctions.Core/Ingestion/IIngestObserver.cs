using AcsFunctions.Decoding;
using AcsFunctions.Dispatch;

namespace AcsFunctions.Ingestion;

/// <summary>
/// Sees every unit the pipeline stores or dead-letters (for schema-drift detection and pipeline health). What a batch
/// shows belongs to that batch (<see cref="StartBatch"/>) and counts only once the batch is committed: a batch that is
/// prepared but never committed (a benchmark, a cancelled preparation, a commit that failed and is retried as a new
/// batch) leaves no trace. Must be thread-safe across batches.
/// </summary>
public interface IIngestObserver
{
    /// <summary>Starts the observation of one prepared batch (called once per batch, on the preparing thread).</summary>
    IIngestObservation StartBatch();
}

/// <summary>
/// What one observer saw of one batch. Fed by one thread at a time (the batch's preparation, then its commit), so it
/// needs no locks; applied to the observer's counts by <see cref="CommitAsync"/>, at most once.
/// </summary>
public interface IIngestObservation
{
    /// <summary>A record will be stored (typed or unclassified).</summary>
    void OnStored(RecordContext context, EnrichedRecord enriched);

    /// <summary>A unit will be dead-lettered (its payload and detail already privacy-filtered).</summary>
    void OnDeadLettered(DeadLetter deadLetter);

    /// <summary>
    /// A record already reported through <see cref="OnStored"/> was then refused by Table storage and dead-lettered
    /// instead (reason <c>storage-rejected</c>); called instead of <see cref="OnDeadLettered"/> for it, so counts
    /// can move the record from stored to dead-lettered.
    /// </summary>
    /// <param name="category">The record's canonical category.</param>
    /// <param name="unclassified">Whether it had been counted as unclassified.</param>
    /// <param name="deadLetter">The dead letter written for it.</param>
    void OnStoreRejected(string category, bool unclassified, DeadLetter deadLetter);

    /// <summary>
    /// The batch's rows were written: adds what it showed to the observer's counts (the first call only; later calls do
    /// nothing) and persists them. Persistence failures never fail the batch: the observer keeps and retries them.
    /// </summary>
    Task CommitAsync(CancellationToken cancellationToken = default);
}
