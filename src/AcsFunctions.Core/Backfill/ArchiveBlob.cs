namespace AcsFunctions.Backfill;

/// <summary>One hourly archive blob as listed.</summary>
/// <param name="Container">The container (<c>insights-logs-&lt;category&gt;</c>).</param>
/// <param name="Name">The blob name.</param>
/// <param name="Path">The parsed name (resource, hour).</param>
/// <param name="ETag">The ETag at listing time.</param>
/// <param name="Length">The length in bytes at listing time.</param>
/// <param name="IsAppendBlob">True for append blobs (the current hour is appended to).</param>
public sealed record ArchiveBlob(string Container, string Name, ArchiveBlobPath Path, string ETag, long Length, bool IsAppendBlob)
{
    /// <summary>Container and name, as used in lineage (<c>SourceFile</c>).</summary>
    public string FullName => Container + "/" + Name;
}
