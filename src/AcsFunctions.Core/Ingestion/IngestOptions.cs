using System.ComponentModel.DataAnnotations;

namespace AcsFunctions.Ingestion;

/// <summary>
/// Ingest settings, bound from the <c>AcsFunctions:Ingest</c> configuration section
/// (environment variables <c>AcsFunctions__Ingest__…</c>).
/// </summary>
public sealed class IngestOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "AcsFunctions:Ingest";

    /// <value>
    /// Default 1. Threads that decode, dispatch and enrich one batch (a batch of at least 128 KiB is split into
    /// contiguous runs; the rows are the same as on one thread). More threads only pay when the CPU half is the
    /// bottleneck and the cores are otherwise idle: on a 2-core machine that also runs the storage emulator, two
    /// threads made end-to-end ingest ~25 % slower, and in the 6 December round they added CPU (mostly GC pauses) for
    /// the same work (docs/benchmarks.md); the Functions host already runs one batch per Event Hubs partition in parallel.
    /// </value>
    [Range(1, 64)]
    public int PrepareThreads { get; set; } = 1;
}
