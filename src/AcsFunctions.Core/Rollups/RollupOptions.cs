using System.ComponentModel.DataAnnotations;

namespace AcsFunctions.Rollups;

/// <summary>
/// Roll-up settings, bound from the <c>AcsFunctions:Rollup</c> configuration section
/// (environment variables <c>AcsFunctions__Rollup__…</c>).
/// </summary>
public sealed class RollupOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "AcsFunctions:Rollup";

    /// <value>Default 4. Marks recomputed in parallel.</value>
    [Range(1, 64)]
    public int MaxParallelism { get; set; } = 4;

    /// <value>
    /// Default 5 minutes. How long a roll-up owns a mark it claimed; another instance skips the mark until then,
    /// and takes it over afterwards (so a crashed instance delays a recompute by at most this).
    /// </value>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <value>
    /// Default 60. The longest run of contiguous changed minutes read with one range query; longer runs are split so
    /// that they are recomputed in parallel and memory stays bounded.
    /// </value>
    [Range(1, 1440)]
    public int MaxRangeMinutes { get; set; } = 60;

    /// <value>Default 500. Marks read per page (and at most this many marks per range read).</value>
    [Range(1, 1000)]
    public int PageSize { get; set; } = 500;

    /// <value>
    /// Default <c>false</c>. Read every marked minute partition with its own queries (one for its records, one per
    /// aggregate table for its keys), as the roll-up did before range reads. The results are the same, only slower:
    /// a comparison mode for the range/point equivalence test and benchmark P6, not a tuning setting.
    /// </value>
    public bool PointReads { get; set; }
}
