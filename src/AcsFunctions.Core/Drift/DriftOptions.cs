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
}
