using System.Globalization;
using System.Xml;

namespace AcsFunctions.Queries;

/// <summary>
/// Parses the times of a query — ISO-8601 only, as documented: date-times (UTC unless an offset is given, e.g.
/// <c>2021-07-05T06:00:00Z</c>, <c>2021-07-05T08:00+02:00</c>), dates (<c>2021-07-05</c> = midnight UTC), <c>now</c>,
/// and <c>now-&lt;duration&gt;</c> with an ISO-8601 duration (<c>now-PT30M</c>, <c>now-P1D</c>) or a short one
/// (<c>now-15m</c>, <c>now-2h</c>, <c>now-7d</c>). Culture formats such as <c>01/07/2025</c> are refused (is it
/// 7 January or 1 July?); a duration reaching before year 1 gives <see cref="DateTimeOffset.MinValue"/>, which callers'
/// range checks refuse as out of range.
/// </summary>
public static class QueryTime
{
    private static readonly string[] _isoFormats = BuildFormats();

    /// <summary>Parses <paramref name="value"/>; false when it is not a time.</summary>
    public static bool TryParse(string value, DateTimeOffset now, out DateTimeOffset time)
    {
        var text = value.Trim();
        if (text.StartsWith("now", StringComparison.OrdinalIgnoreCase))
        {
            var rest = text[3..].Trim();
            if (rest.Length == 0)
            {
                time = now;
                return true;
            }

            if (rest[0] == '-' && TryParseDuration(rest[1..].Trim(), out var ago))
            {
                // A duration reaching before year 1 is a time, only out of range: the earliest one, which range checks refuse.
                time = ago <= now - DateTimeOffset.MinValue ? now - ago : DateTimeOffset.MinValue;
                return true;
            }

            time = default;
            return false;
        }

        return TryParseIso(text, out time);
    }

    /// <summary>
    /// Parses an ISO-8601 date (<c>2021-07-05</c>) or date-time to the minute, second or fraction
    /// (<c>2021-07-05T06:00Z</c>, <c>2021-07-05T06:00:00.5+02:00</c>); without an offset the time is UTC. The result is UTC.
    /// </summary>
    public static bool TryParseIso(string value, out DateTimeOffset time)
    {
        var text = value.Trim();
        if (text.Length > 10 && text[10] is 't' or ' ')
        {
            text = string.Concat(text.AsSpan(0, 10), "T", text.AsSpan(11));
        }

        if (text.EndsWith('z'))
        {
            text = text[..^1] + "Z";
        }

        return DateTimeOffset.TryParseExact(text, _isoFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
    }

    /// <summary>Parses a duration: ISO-8601 (<c>PT5M</c>), short (<c>30s</c>, <c>15m</c>, <c>2h</c>, <c>7d</c>) or <c>hh:mm:ss</c>.</summary>
    public static bool TryParseDuration(string value, out TimeSpan duration)
    {
        var text = value.Trim();
        duration = default;
        if (text.Length == 0)
        {
            return false;
        }

        if (text[0] is 'P' or 'p')
        {
            try
            {
                duration = XmlConvert.ToTimeSpan(text.ToUpperInvariant());
                return duration > TimeSpan.Zero;
            }
            catch (Exception ex) when (ex is FormatException or OverflowException)
            {
                return false;
            }
        }

        var unit = char.ToLowerInvariant(text[^1]);
        if (unit is 's' or 'm' or 'h' or 'd' &&
            double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) &&
            amount > 0 && amount < 1e6)
        {
            duration = unit switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                _ => TimeSpan.FromDays(amount),
            };
            return true;
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration) && duration > TimeSpan.Zero;
    }

    private static string[] BuildFormats()
    {
        string[] times = ["HH:mm", "HH:mm:ss", "HH:mm:ss.FFFFFFF"];
        string[] zones = [string.Empty, "'Z'", "zzz"];
        return ["yyyy-MM-dd", .. times.SelectMany(t => zones.Select(z => "yyyy-MM-dd'T'" + t + z))];
    }
}
