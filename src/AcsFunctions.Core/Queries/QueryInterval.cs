namespace AcsFunctions.Queries;

/// <summary>A row interval: <c>PT1M</c>, <c>PT5M</c>, <c>PT1H</c> or <c>P1D</c>, aligned to UTC (minutes, hours, midnight).</summary>
public readonly record struct QueryInterval
{
    private QueryInterval(string name, TimeSpan length)
    {
        Name = name;
        Length = length;
    }

    /// <summary>One minute (the stored resolution).</summary>
    public static QueryInterval OneMinute { get; } = new("PT1M", TimeSpan.FromMinutes(1));

    /// <summary>Five minutes.</summary>
    public static QueryInterval FiveMinutes { get; } = new("PT5M", TimeSpan.FromMinutes(5));

    /// <summary>One hour.</summary>
    public static QueryInterval OneHour { get; } = new("PT1H", TimeSpan.FromHours(1));

    /// <summary>One UTC day.</summary>
    public static QueryInterval OneDay { get; } = new("P1D", TimeSpan.FromDays(1));

    /// <summary>Every interval, finest first.</summary>
    public static IReadOnlyList<QueryInterval> All { get; } = [OneMinute, FiveMinutes, OneHour, OneDay];

    /// <summary>The ISO-8601 name.</summary>
    public string Name { get; }

    /// <summary>The length.</summary>
    public TimeSpan Length { get; }

    /// <summary>Parses a name (case-insensitive).</summary>
    public static bool TryParse(string? value, out QueryInterval interval)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.Name, value?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                interval = candidate;
                return true;
            }
        }

        interval = OneMinute;
        return false;
    }

    /// <summary>The start of the interval holding <paramref name="time"/> (UTC-aligned).</summary>
    public DateTimeOffset Floor(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.UtcTicks - (utc.UtcTicks % Length.Ticks), TimeSpan.Zero);
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
