namespace AcsFunctions.Storage;

/// <summary>
/// The one range of event times the pipeline accepts, for ingest and queries alike: from
/// <see cref="Start"/> (1601-01-01, the earliest date Table Storage's <c>Edm.DateTime</c> holds) to
/// <see cref="End"/> (9999-01-01, exclusive — the last year is left out so that every window, interval and query
/// end of an accepted record, up to a day after it, is still a valid time). A record outside it is dead-lettered
/// <c>time-out-of-range</c>; a query time outside it (inclusive of <see cref="End"/> as an exclusive end) is a bad parameter.
/// </summary>
public static class EventTimeRange
{
    /// <summary>The earliest accepted event time (inclusive).</summary>
    public static readonly DateTimeOffset Start = EntityLimits.MinDate;

    /// <summary>The end of the accepted event times (exclusive).</summary>
    public static readonly DateTimeOffset End = new(9999, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The range as text, for messages.</summary>
    public const string Description = "[1601-01-01T00:00:00Z, 9999-01-01T00:00:00Z)";

    /// <summary>True when a record with this event time is accepted.</summary>
    public static bool Contains(DateTimeOffset time) => time >= Start && time < End;

    /// <summary>True when <paramref name="time"/> may bound a query (<see cref="End"/> itself allowed, as an exclusive end).</summary>
    public static bool ContainsQueryBound(DateTimeOffset time) => time >= Start && time <= End;
}
