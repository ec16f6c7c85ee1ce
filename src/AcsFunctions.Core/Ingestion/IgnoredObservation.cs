using AcsFunctions.Decoding;
using AcsFunctions.Dispatch;

namespace AcsFunctions.Ingestion;

/// <summary>The observation of an observer that is switched off: sees nothing, commits nothing.</summary>
internal sealed class IgnoredObservation : IIngestObservation
{
    public static readonly IgnoredObservation Instance = new();

    private IgnoredObservation()
    {
    }

    public void OnStored(RecordContext context, EnrichedRecord enriched)
    {
    }

    public void OnDeadLettered(DeadLetter deadLetter)
    {
    }

    public void OnStoreRejected(string category, bool unclassified, DeadLetter deadLetter)
    {
    }

    public Task CommitAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
}
