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

    /// <summary>A unit was dead-lettered.</summary>
    void OnDeadLettered(DeadLetter deadLetter);

    /// <summary>Persists what was observed in this ingest call.</summary>
    Task FlushAsync(CancellationToken cancellationToken = default);
}
