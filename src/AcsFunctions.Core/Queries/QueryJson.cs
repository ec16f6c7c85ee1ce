using System.Text.Encodings.Web;
using System.Text.Json;

namespace AcsFunctions.Queries;

/// <summary>The JSON conventions of every query result: camelCase, indented, ISO-8601 UTC times, nulls kept.</summary>
public static class QueryJson
{
    /// <summary>The serializer options.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new UtcTimeJsonConverter() },
    };

    /// <summary>Serializes rows as one JSON array.</summary>
    public static string Serialize(IReadOnlyList<object> rows) => JsonSerializer.Serialize(rows, Options);

    /// <summary>Rounds a value for output (null stays null).</summary>
    public static double? Round(double? value, int decimals = 3) => value is { } v ? Math.Round(v, decimals, MidpointRounding.AwayFromZero) : null;
}
