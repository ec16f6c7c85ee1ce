namespace AcsFunctions.Records;

/// <summary>
/// ISO-8601 timestamps in the one shape records use (<c>2024-05-01T10:11:12.1234567Z</c>) read from UTF-8 without
/// the general date parser and without a string. Used where a time is read per record (record ids, the envelope's
/// event time); it only ever answers what <c>DateTimeOffset.TryParse</c> with <c>AssumeUniversal | AdjustToUniversal</c>
/// answers, and leaves every other shape to it.
/// </summary>
internal static class IsoTimestamps
{
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
