namespace AcsFunctions.Ingestion;

/// <summary>
/// A batch decoded, dispatched and enriched by <see cref="BatchPreparer"/> and not yet stored: hand it to
/// <see cref="IngestPipeline.CommitAsync"/> or <see cref="BatchWriter.WriteAsync"/> (once, in input order).
/// </summary>
public sealed class PreparedBatch
{
    internal PreparedBatch(BatchState state)
    {
        State = state;
    }

    /// <summary>Event bodies in the batch: one per body, or one per non-blank line of an NDJSON body or file chunk.</summary>
    public int Bodies => State.Bodies;

    /// <summary>Units found (records plus undecodable units).</summary>
    public int Records => State.Units;

    internal BatchState State { get; }

    /// <summary>
    /// The counts the batch would end with if stored as prepared (before the service refuses anything): what a
    /// benchmark of the CPU half reports.
    /// </summary>
    public IngestResult ToResult() => State.ToResult();
}
