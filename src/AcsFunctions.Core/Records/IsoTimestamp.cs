namespace AcsFunctions.Records;

/// <summary>
/// The timestamp form nearly every record uses, <c>2025-01-07T08:00:53.6401465Z</c> (0–7 fraction digits, <c>Z</c> or
/// a <c>±hh:mm</c> offset), read from the quoted UTF-8 JSON string without making its text. Anything else — other
/// forms, escapes, white space, a leap second, a date that does not exist — returns false, and the caller parses the
/// text as before (<see cref="DiagnosticRecord.TryParseTimestamp"/>): where this accepts, the result is the same.
/// </summary>
internal static class IsoTimestamp
{
    /// <summary>Parses <paramref name="quoted"/> (the raw JSON string, quotes included) into a UTC value.</summary>
    public static bool TryParse(ReadOnlySpan<byte> quoted, out DateTimeOffset value)
    {
        value = default;
        if (quoted.Length < 22 || quoted[0] != (byte)'"' || quoted[^1] != (byte)'"')
        {
            return false;
        }

        var text = quoted[1..^1];
        if (!Digits(text, 0, 4, out var year) || text[4] != (byte)'-' || !Digits(text, 5, 2, out var month) ||
            text[7] != (byte)'-' || !Digits(text, 8, 2, out var day) || text[10] != (byte)'T' ||
            !Digits(text, 11, 2, out var hour) || text[13] != (byte)':' || !Digits(text, 14, 2, out var minute) ||
            text[16] != (byte)':' || !Digits(text, 17, 2, out var second))
        {
            return false;
        }

        // Years 2..9998 keep any offset's result inside DateTime's range; 24:00 and leap seconds take the slow path.
        if (year is < 2 or > 9998 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) ||
            hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var i = 19;
        long fraction = 0;
        if (i < text.Length && text[i] == (byte)'.')
        {
            var start = ++i;
            while (i < text.Length && char.IsAsciiDigit((char)text[i]))
            {
                fraction = (fraction * 10) + (text[i] - '0');
                i++;
            }

            var digits = i - start;
            if (digits is < 1 or > 7)
            {
                return false;
            }

            for (var d = digits; d < 7; d++)
            {
                fraction *= 10;
            }
        }

        long offsetTicks;
        if (i == text.Length - 1 && text[i] == (byte)'Z')
        {
            offsetTicks = 0;
        }
        else if (i == text.Length - 6 && text[i] is (byte)'+' or (byte)'-' && text[i + 3] == (byte)':' &&
            Digits(text, i + 1, 2, out var offsetHours) && Digits(text, i + 4, 2, out var offsetMinutes) &&
            offsetHours <= 13 && offsetMinutes <= 59)
        {
            offsetTicks = ((offsetHours * 60) + offsetMinutes) * TimeSpan.TicksPerMinute * (text[i] == (byte)'-' ? -1 : 1);
        }
        else
        {
            return false;
        }

        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).Ticks + fraction;
        value = new DateTimeOffset(local - offsetTicks, TimeSpan.Zero);
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> text, int start, int count, out int value)
    {
        value = 0;
        if (start + count > text.Length)
        {
            return false;
        }

        for (var i = start; i < start + count; i++)
        {
            var b = text[i];
            if (!char.IsAsciiDigit((char)b))
            {
                return false;
            }

            value = (value * 10) + (b - '0');
        }

        return true;
    }
}
