using Azure.Data.Tables;

namespace AcsFunctions.Ingestion;

/// <summary>
/// A batch whose rows <see cref="BatchWriter.WriteAsync"/> has written: its counts, the roll-up marks still to
/// write and the observations still to commit — not its rows. Hand it to <see cref="BatchFinisher.FinishAsync(WrittenBatch, CancellationToken)"/>.
/// </summary>
public sealed class WrittenBatch
{
    internal WrittenBatch(IngestResult result, IReadOnlyList<TableEntity> marks, IIngestObservation[] observations)
    {
        Result = result;
        Marks = marks;
        Observations = observations;
    }

    /// <summary>The batch's counts (every unit stored or dead-lettered).</summary>
    public IngestResult Result { get; }

    internal IReadOnlyList<TableEntity> Marks { get; }

    internal IIngestObservation[] Observations { get; }
}
