namespace AcsFunctions.Health;

/// <summary>Pipeline-health settings, bound from <c>AcsFunctions:Health</c>.</summary>
public sealed class HealthOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "AcsFunctions:Health";

    /// <summary>Turns the health counters off (default on).</summary>
    public bool Enabled { get; set; } = true;
}
