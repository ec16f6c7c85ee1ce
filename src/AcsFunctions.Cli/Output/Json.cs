using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AcsFunctions.Cli.Output;

/// <summary>The JSON conventions of every acs-diag output (camelCase, ISO-8601 UTC times).</summary>
internal static class Json
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The same conventions on one line (NDJSON streams).</summary>
    public static JsonSerializerOptions CompactOptions { get; } = new(Options) { WriteIndented = false };

    public static void Write<T>(T value, bool compact = false) => Console.Out.WriteLine(JsonSerializer.Serialize(value, compact ? CompactOptions : Options));
}
