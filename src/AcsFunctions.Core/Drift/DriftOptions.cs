using System.ComponentModel.DataAnnotations;

namespace AcsFunctions.Drift;

/// <summary>Schema-drift settings, bound from <c>AcsFunctions:Drift</c>.</summary>
public sealed class DriftOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "AcsFunctions:Drift";

    /// <summary>Turns drift detection off (default on).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How often the field counts and first/last seen of a category are written when nothing changed (changes are
    /// written at once). Default one minute; zero writes after every batch.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan StatsWriteInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A field that was in every record of its category is reported as disappeared once it has been missing from at
    /// least this many consecutive records of the category (default 100)…
    /// </summary>
    [Range(1, 100_000_000)]
    public long FieldDisappearedAfterRecords { get; set; } = 100;

    /// <summary>
    /// …and those records reach at least this far (event time) past the field's last record (default 15 minutes), so
    /// that a burst of records without it is not taken for a field that stopped arriving.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan FieldDisappearedAfter { get; set; } = TimeSpan.FromMinutes(15);
}
