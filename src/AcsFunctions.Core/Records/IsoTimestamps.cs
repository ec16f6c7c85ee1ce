using System.Globalization;

namespace AcsFunctions.Records;

/// <summary>
/// ISO-8601 timestamps in the one shape records use (<c>2024-05-01T10:11:12.1234567Z</c>) read from UTF-8 without
/// the general date parser and without a string. Used where a time is read per record (record ids, the envelope's
/// event time); it only ever answers what <c>DateTimeOffset.TryParse</c> with <c>AssumeUniversal | AdjustToUniversal</c>
/// answers, and leaves every other shape to it. <see cref="TryParse"/> is the rule for every other shape of a record's time.
/// </summary>
internal static class IsoTimestamps
{
    private const DateTimeStyles Utc = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal;

    /// <summary>
    /// Reads an ISO-8601 date-time, and nothing else: a full date, then <c>T</c>, <c>t</c> or one space and a time
    /// <c>HH:mm[:ss[.f…f]]</c> (fraction after <c>.</c> or <c>,</c>, rounded to 7 digits), or the basic format
    /// <c>yyyyMMddTHHmm[ss[.f…f]]</c>; then <c>Z</c>/<c>z</c>, <c>±HH</c>, <c>±HHmm</c>, <c>±HH:mm</c> (extended only)
    /// or nothing (UTC). A date alone (<c>yyyy-MM-dd</c>) is midnight UTC. A time without a date (the general parser
    /// puts it on today) and culture forms (<c>03/04/2025 10:00</c>) are refused. The value of every extended form is
    /// the general parser's, as before; a basic form has the value of its extended spelling.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        value = default;
        if (IsExtended(text))
        {
            return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, Utc, out value);
        }

        if (!IsBasic(text) || text.Length > 64)
        {
            return false;
        }

        // yyyyMMddTHHmm[ss][fraction][zone] → yyyy-MM-ddTHH:mm[:ss][fraction][zone]
        var seconds = text.Length >= 15 && char.IsAsciiDigit(text[13]);
        Span<char> extended = stackalloc char[text.Length + 4];
        text[..4].CopyTo(extended);
        extended[4] = '-';
        text[4..6].CopyTo(extended[5..]);
        extended[7] = '-';
        text[6..11].CopyTo(extended[8..]);
        extended[13] = ':';
        text[11..13].CopyTo(extended[14..]);
        var at = 16;
        if (seconds)
        {
            extended[at++] = ':';
        }

        text[13..].CopyTo(extended[at..]);
        at += text.Length - 13;
        return DateTimeOffset.TryParse(extended[..at], CultureInfo.InvariantCulture, Utc, out value);
    }

    /// <summary><c>yyyy-MM-dd</c>, alone or followed by <c>T</c>/<c>t</c>/space and <c>HH:mm[:ss[fraction]][zone]</c>.</summary>
    private static bool IsExtended(ReadOnlySpan<char> text)
    {
        if (text.Length < 10 || !Digits(text[..4]) || text[4] != '-' || !Digits(text[5..7]) || text[7] != '-' || !Digits(text[8..10]))
        {
            return false;
        }

        if (text.Length == 10)
        {
            return true;
        }

        if (text.Length < 16 || text[10] is not ('T' or 't' or ' ') || !Digits(text[11..13]) || text[13] != ':' || !Digits(text[14..16]))
        {
            return false;
        }

        var rest = text[16..];
        if (rest.Length >= 3 && rest[0] == ':' && Digits(rest[1..3]))
        {
            rest = SkipFraction(rest[3..]);
        }

        return IsZone(rest, extended: true);
    }

    /// <summary><c>yyyyMMdd</c>, <c>T</c>/<c>t</c>, <c>HHmm[ss[fraction]][zone]</c>, the zone without a colon.</summary>
    private static bool IsBasic(ReadOnlySpan<char> text)
    {
        if (text.Length < 13 || !Digits(text[..8]) || text[8] is not ('T' or 't') || !Digits(text[9..13]))
        {
            return false;
        }

        var rest = text[13..];
        if (rest.Length >= 2 && Digits(rest[..2]))
        {
            rest = SkipFraction(rest[2..]);
        }

        return IsZone(rest, extended: false);
    }

    /// <summary>What follows a fraction (<c>.</c> or <c>,</c> and at least one digit) at the start of <paramref name="text"/>, or all of it when there is none.</summary>
    private static ReadOnlySpan<char> SkipFraction(ReadOnlySpan<char> text)
    {
        if (text.Length < 2 || text[0] is not ('.' or ',') || !char.IsAsciiDigit(text[1]))
        {
            return text;
        }

        var end = 1;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }

        return text[end..];
    }

    /// <summary>Nothing, <c>Z</c>/<c>z</c>, <c>±HH</c>, <c>±HHmm</c> or (extended format) <c>±HH:mm</c>.</summary>
    private static bool IsZone(ReadOnlySpan<char> zone, bool extended) =>
        zone.Length == 0 ||
        zone is "Z" or "z" ||
        (zone[0] is '+' or '-' && zone.Length is 3 or 5 or 6 && Digits(zone.Slice(1, 2)) &&
            zone.Length switch
            {
                3 => true,
                5 => Digits(zone[3..]),
                _ => extended && zone[3] == ':' && Digits(zone[4..]),
            });

    private static bool Digits(ReadOnlySpan<char> text) => text.Length > 0 && !text.ContainsAnyExceptInRange('0', '9');

    /// <summary>
    /// The form nearly every record's times take, <c>yyyy-MM-ddTHH:mm:ss[.f…f]</c> (1–7 fraction digits) then
    /// <c>Z</c>, <c>±hh:mm</c> or nothing (UTC), read without the general parser; the same ticks it gives. Anything
    /// else (other separators, 8+ fraction digits, out-of-range fields or years 0001 and 9999) returns false and
    /// is left to the general parser (the caller's), so what is a time and its value do not change.
    /// </summary>
    public static bool TryParseUtcTicks(ReadOnlySpan<byte> text, out long ticks)
    {
        ticks = 0;
        if (text.Length < 19 || text[4] != (byte)'-' || text[7] != (byte)'-' || text[10] != (byte)'T' || text[13] != (byte)':' || text[16] != (byte)':' ||
            !TryDigits(text[..4], out var year) || !TryDigits(text.Slice(5, 2), out var month) || !TryDigits(text.Slice(8, 2), out var day) ||
            !TryDigits(text.Slice(11, 2), out var hour) || !TryDigits(text.Slice(14, 2), out var minute) || !TryDigits(text.Slice(17, 2), out var second) ||
            year is < 2 or > 9998 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var at = 19;
        long fraction = 0;
        if (at < text.Length && text[at] == (byte)'.')
        {
            var digits = 0;
            at++;
            while (at < text.Length && text[at] is >= (byte)'0' and <= (byte)'9')
            {
                fraction = (fraction * 10) + (text[at] - '0');
                digits++;
                at++;
            }

            if (digits is 0 or > 7)
            {
                return false;
            }

            for (; digits < 7; digits++)
            {
                fraction *= 10;
            }
        }

        long offsetTicks = 0;
        if (at < text.Length)
        {
            if (text[at] == (byte)'Z' && at + 1 == text.Length)
            {
                at++;
            }
            else if (text[at] is (byte)'+' or (byte)'-' && at + 6 == text.Length && text[at + 3] == (byte)':' &&
                TryDigits(text.Slice(at + 1, 2), out var offsetHours) && TryDigits(text.Slice(at + 4, 2), out var offsetMinutes) &&
                offsetMinutes < 60 && (offsetHours * 60) + offsetMinutes <= 14 * 60)
            {
                offsetTicks = ((offsetHours * 60L) + offsetMinutes) * TimeSpan.TicksPerMinute * (text[at] == (byte)'-' ? -1 : 1);
                at += 6;
            }
            else
            {
                return false;
            }
        }

        ticks = new DateTime(year, month, day, hour, minute, second).Ticks + fraction - offsetTicks;
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        foreach (var b in text)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            value = (value * 10) + (b - '0');
        }

        return true;
    }
}
