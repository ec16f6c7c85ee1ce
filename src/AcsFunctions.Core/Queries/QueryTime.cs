using System.Globalization;
using System.Xml;

namespace AcsFunctions.Queries;

/// <summary>
/// Parses the times of a query: ISO-8601 date-times (UTC unless an offset is given, e.g. <c>2021-07-05T06:00:00Z</c>),
/// dates (<c>2021-07-05</c> = midnight UTC), <c>now</c>, and <c>now-&lt;duration&gt;</c> with an ISO-8601 duration
/// (<c>now-PT30M</c>, <c>now-P1D</c>) or a short one (<c>now-15m</c>, <c>now-2h</c>, <c>now-7d</c>).
/// </summary>
public static class QueryTime
{
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
                time = now - ago;
                return true;
            }

            time = default;
            return false;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
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
            catch (FormatException)
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
}
