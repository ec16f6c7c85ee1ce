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

    /// <value>
    /// Default true. With <see cref="CoarseRows"/>, read whole days from their pages (the day's hourly or daily rows
    /// packed into a few entities; see docs/rollups.md) when the day has no pending hour or day mark. Days without a
    /// page are read from their rows either way. False reads rows only — the same results, slower on long ranges.
    /// </value>
    public bool Pages { get; set; } = true;

    /// <summary>How the query kinds read aggregate rows under <paramref name="options"/> (null: the defaults).</summary>
    public static TierReads ReadsOf(Microsoft.Extensions.Options.IOptions<QueryOptions>? options) =>
        new(options?.Value.CoarseRows ?? true, (options?.Value.CoarseRows ?? true) && (options?.Value.Pages ?? true));
}

/// <summary>How a query reads a windowed aggregate table (<see cref="AggregateQuery.ReadTiledAsync"/>).</summary>
/// <param name="Coarse">Hourly and daily rows for <c>PT1H</c> and <c>P1D</c> (minute rows only at unaligned edges).</param>
/// <param name="Pages">Whole days from their pages (<see cref="Rollups.CoarsePages"/>), with <paramref name="Coarse"/>.</param>
public readonly record struct TierReads(bool Coarse, bool Pages)
{
    /// <summary>Coarse rows and pages: the default.</summary>
    public static TierReads All { get; } = new(true, true);
}
