namespace AcsFunctions.Backfill;

/// <summary>One blob's share of a backfill run.</summary>
/// <param name="Blob">The blob (container/name).</param>
/// <param name="Action">What was done with it.</param>
/// <param name="FirstLine">First line read in this run (1-based); 0 when nothing was read.</param>
/// <param name="Lines">Lines read in this run.</param>
/// <param name="Bytes">Bytes read in this run.</param>
/// <param name="Records">Records (units) ingested in this run.</param>
public sealed record BlobBackfill(string Blob, BlobAction Action, long FirstLine, long Lines, long Bytes, long Records);
