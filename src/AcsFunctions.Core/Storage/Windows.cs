using System.Globalization;

namespace AcsFunctions.Storage;

/// <summary>1-minute UTC windows and their sortable key form (<c>yyyyMMddHHmm</c>).</summary>
public static class Windows
{
    /// <summary>The key format of a minute window.</summary>
    public const string KeyFormat = "yyyyMMddHHmm";

    /// <summary>The start of the UTC minute holding <paramref name="time"/>.</summary>
    public static DateTimeOffset MinuteOf(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, TimeSpan.Zero);
    }

    /// <summary>The sortable key of the minute holding <paramref name="time"/>.</summary>
    public static string Key(DateTimeOffset time) => MinuteOf(time).ToString(KeyFormat, CultureInfo.InvariantCulture);

    /// <summary>Parses a window key.</summary>
    public static DateTimeOffset Parse(string key) =>
        DateTimeOffset.ParseExact(key, KeyFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
