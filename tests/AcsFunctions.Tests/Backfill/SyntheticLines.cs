using System.Globalization;
using System.Text.Json;
using AcsFunctions.Generation;

namespace AcsFunctions.Tests.Backfill;

/// <summary>One generated record as an archive line, with the envelope fields tests route and count by.</summary>
internal sealed record SyntheticLine(string Json, string Category, string ResourceId, DateTimeOffset Time)
{
    /// <summary>Every record of a synthetic stream, one line each, in delivery order.</summary>
    public static List<SyntheticLine> From(GeneratorOptions options)
    {
        var lines = new List<SyntheticLine>();
        foreach (var body in SyntheticStream.Create(options).Bodies())
        {
            using var doc = JsonDocument.Parse(body.Data);
            foreach (var record in doc.RootElement.GetProperty("records").EnumerateArray())
            {
                lines.Add(new SyntheticLine(
                    record.GetRawText(),
                    Property(record, "category")!,
                    Property(record, "resourceId")!,
                    DateTimeOffset.Parse(Property(record, "time")!, CultureInfo.InvariantCulture).ToUniversalTime()));
            }
        }

        return lines;
    }

    /// <summary>A top-level property as text, matched case-insensitively (the generator varies key casing).</summary>
    public string? Get(string name)
    {
        using var doc = JsonDocument.Parse(Json);
        return Property(doc.RootElement, name);
    }

    private static string? Property(JsonElement record, string name)
    {
        foreach (var p in record.EnumerateObject())
        {
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText();
            }
        }

        return null;
    }
}
