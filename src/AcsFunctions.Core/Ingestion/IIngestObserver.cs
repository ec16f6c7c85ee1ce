using AcsFunctions.Decoding;
using AcsFunctions.Dispatch;

namespace AcsFunctions.Ingestion;

/// <summary>
/// Sees every unit the pipeline handles (for schema-drift detection and pipeline health) and persists what it
/// learned after the batch's rows are written. Observers must be cheap per unit and thread-safe.
/// </summary>
public interface IIngestObserver
{
    /// <summary>A record was stored (typed or unclassified).</summary>
    void OnStored(RecordContext context, EnrichedRecord enriched);

    /// <summary>A unit was dead-lettered (its payload and detail already privacy-filtered).</summary>
    void OnDeadLettered(DeadLetter deadLetter);

    /// <summary>
    /// A record already reported through <see cref="OnStored"/> was then refused by Table storage and dead-lettered
    /// instead (reason <c>storage-rejected</c>); called instead of <see cref="OnDeadLettered"/> for it, so counts
    /// can move the record from stored to dead-lettered.
    /// </summary>
    /// <param name="category">The record's canonical category.</param>
    /// <param name="unclassified">Whether it had been counted as unclassified.</param>
    /// <param name="deadLetter">The dead letter written for it.</param>
    void OnStoreRejected(string category, bool unclassified, DeadLetter deadLetter) => OnDeadLettered(deadLetter);

    /// <summary>Persists what was observed in this ingest call.</summary>
    Task FlushAsync(CancellationToken cancellationToken = default);
}
