using System.ComponentModel.DataAnnotations;

namespace AcsFunctions.Queries;

/// <summary>Query limits, bound from <c>AcsFunctions:Query</c> (environment <c>AcsFunctions__Query__…</c>).</summary>
public sealed class QueryOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "AcsFunctions:Query";

    /// <value>Default 31 days. The longest <c>to − from</c> a query accepts (queries read every 1-minute row in range).</value>
    [Range(typeof(TimeSpan), "00:01:00", "400.00:00:00")]
    public TimeSpan MaxRange { get; set; } = TimeSpan.FromDays(31);

    /// <value>
    /// Default true. Read hourly and daily aggregate rows for <c>PT1H</c> and <c>P1D</c> queries (minute rows only at
    /// unaligned edges). Periods without a coarse row are read from their minute rows either way
    /// (see docs/architecture.md). False reads minute rows only — the same results, slower on long ranges.
    /// </value>
    public bool CoarseRows { get; set; } = true;
}
