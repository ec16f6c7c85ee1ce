namespace AcsFunctions.Ingestion;

/// <summary>
/// A batch decoded, dispatched and enriched by <see cref="IngestPipeline.PrepareBatch"/> and not yet stored: hand it
/// to <see cref="IngestPipeline.CommitAsync"/> (once, in input order).
/// </summary>
public sealed class PreparedBatch
{
    internal PreparedBatch(IngestPipeline.BatchState state, int bodies)
    {
        State = state;
        Bodies = bodies;
    }

    /// <summary>Event bodies (or file chunks) in the batch.</summary>
    public int Bodies { get; }

    /// <summary>Units found (records plus undecodable units).</summary>
    public int Records => State.Units;

    internal IngestPipeline.BatchState State { get; }
}
