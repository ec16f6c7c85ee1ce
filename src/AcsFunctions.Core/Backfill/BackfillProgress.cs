namespace AcsFunctions.Backfill;

/// <summary>Progress of a backfill run, reported after every chunk and every blob.</summary>
/// <param name="BlobsDone">Blobs finished (read or skipped).</param>
/// <param name="BlobsTotal">Blobs listed in range.</param>
/// <param name="Bytes">Bytes accounted for: read in this run plus already checkpointed.</param>
/// <param name="BytesTotal">Listed length of every blob in range.</param>
/// <param name="Records">Records ingested in this run.</param>
/// <param name="CurrentBlob">The blob being read, if any.</param>
public readonly record struct BackfillProgress(int BlobsDone, int BlobsTotal, long Bytes, long BytesTotal, long Records, string? CurrentBlob);
