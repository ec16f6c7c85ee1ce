using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AcsFunctions.Queries;

/// <summary>Writes times as ISO-8601 UTC with a <c>Z</c> (<c>2021-07-05T06:16:40.24Z</c>, no trailing zeros).</summary>
public sealed class UtcTimeJsonConverter : JsonConverter<DateTimeOffset>
{
    private const string Pattern = "yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFF'Z'";

    /// <inheritdoc />
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTimeOffset.Parse(reader.GetString() ?? string.Empty, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);

        // Formatted as UTF-8 on the stack: no string per time (a 7-day answer has ~1,300 of them).
        Span<byte> utf8 = stackalloc byte[64];
        if (value.UtcDateTime.TryFormat(utf8, out var written, Pattern, CultureInfo.InvariantCulture))
        {
            writer.WriteStringValue(utf8[..written]);
        }
        else
        {
            writer.WriteStringValue(Format(value));
        }
    }

    /// <summary>The text form.</summary>
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString(Pattern, CultureInfo.InvariantCulture);
}
