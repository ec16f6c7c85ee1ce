using System.Globalization;
using Azure.Data.Tables;

namespace AcsFunctions.Rollups;

/// <summary>
/// Lenient typed reads of stored columns: the roll-up must not depend on whether a handler stored a number as
/// Int32, Int64 or Double, or a flag as a bool or its text.
/// </summary>
public static class EntityValues
{
    /// <summary>A column as text (numbers and flags in invariant form); null when absent or empty.</summary>
    public static string? Text(TableEntity entity, string column) => entity.TryGetValue(column, out var value) ? Format(value) : null;

    /// <summary>A numeric column (Int32, Int64, Double or numeric text); null when absent or not a number.</summary>
    public static double? Number(TableEntity entity, string column) =>
        entity.TryGetValue(column, out var value) ? value switch
        {
            double d when double.IsFinite(d) => d,
            int i => i,
            long l => l,
            string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed) => parsed,
            _ => null,
        }
        : null;

    /// <summary>A flag column (bool or <c>true</c>/<c>false</c> text); null when absent.</summary>
    public static bool? Flag(TableEntity entity, string column) =>
        entity.TryGetValue(column, out var value) ? value switch
        {
            bool b => b,
            string s when bool.TryParse(s, out var parsed) => parsed,
            _ => null,
        }
        : null;

    /// <summary>A timestamp column (DateTimeOffset, DateTime or ISO-8601 text), in UTC; null when absent.</summary>
    public static DateTimeOffset? Time(TableEntity entity, string column) =>
        entity.TryGetValue(column, out var value) ? value switch
        {
            DateTimeOffset d => d.ToUniversalTime(),
            DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
            string s when DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed) => parsed,
            _ => null,
        }
        : null;

    private static string? Format(object? value) => value switch
    {
        null => null,
        string { Length: 0 } => null,
        string s => s,
        bool b => b ? "true" : "false",
        DateTimeOffset d => d.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
