namespace AcsFunctions.Ingestion;

/// <summary>
/// A batch decoded, dispatched and enriched by <see cref="IngestPipeline.PrepareBatch"/> and not yet stored: hand it
/// to <see cref="IngestPipeline.CommitAsync"/> (once, in input order).
/// </summary>
public sealed class PreparedBatch
{
    internal PreparedBatch(IngestPipeline.BatchState state)
    {
        State = state;
    }

    /// <summary>Event bodies in the batch: one per body, or one per non-blank line of an NDJSON body or file chunk.</summary>
    public int Bodies => State.Bodies;

    /// <summary>Units found (records plus undecodable units).</summary>
    public int Records => State.Units;

    internal IngestPipeline.BatchState State { get; }
}
