using AcsFunctions.Ingestion;

namespace AcsFunctions.Backfill;

/// <summary>What a backfill run did: per blob, and the ingest counts (which reconcile like any ingest).</summary>
public sealed record BackfillResult
{
    /// <summary>Every blob in range, in the order read.</summary>
    public IReadOnlyList<BlobBackfill> Blobs { get; init; } = [];

    /// <summary>Bytes read in this run.</summary>
    public long BytesRead { get; init; }

    /// <summary>Counts of the records ingested in this run.</summary>
    public IngestResult Ingest { get; init; } = new();

    /// <summary>Blobs per action.</summary>
    public IReadOnlyDictionary<BlobAction, int> BlobsByAction =>
        Blobs.GroupBy(b => b.Action).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count());
}
