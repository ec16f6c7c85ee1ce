using System.Text.Json;
using AcsFunctions.Records;

namespace AcsFunctions.Tests.Records;

public sealed class JsonNamesTests
{
    [Fact]
    public void EqualsIgnoreCase_AgreesWithTheStringComparison_ForEscapedAndNonAsciiNames()
    {
        // Escaped names, non-ASCII names that case-fold near ASCII letters, and plain ones.
        using var document = JsonDocument.Parse("""
            {"category":1,"CATEGORY":2,"\u0063ategory":3,"cat\u00E9gory":4,"\u017Fpool":5,"Kelvin":6,"\u212Aelvin":7,"":8,"properties":9,"Properties ":10,"r\u00E9sultat":11}
            """);
        string[] targets = ["category", "Category", "spool", "kelvin", "", "properties", "résultat", "RÉSULTAT"];
        Span<char> buffer = stackalloc char[JsonNames.StackLimit];
        foreach (var property in document.RootElement.EnumerateObject())
        {
            foreach (var target in targets)
            {
                Assert.Equal(
                    string.Equals(property.Name, target, StringComparison.OrdinalIgnoreCase),
                    JsonNames.EqualsIgnoreCase(property, target));
            }

            Assert.Equal(property.Name, JsonNames.Decode(property, buffer).ToString());
        }
    }

    [Fact]
    public void DiagnosticRecord_FindsFieldsWhateverTheirCasingOrEscaping()
    {
        using var document = JsonDocument.Parse("""{"\u0063ategory":"Usage","TIME":"2025-01-07T08:00:00Z","Properties":{"recordid":"r1"}}""");
        using var record = new DiagnosticRecord(document.RootElement);

        Assert.Equal("Usage", record.GetString("category").Value);
        Assert.Equal(new DateTimeOffset(2025, 1, 7, 8, 0, 0, TimeSpan.Zero), record.GetDateTime("time").Value);
        Assert.Equal("r1", record.GetString("RecordId").Value);
    }

    [Fact]
    public void DiagnosticRecord_ReadsWhatTheStaticLookupFinds_WithDuplicatesCasingAndEscapes()
    {
        // Exact matches win (the last of duplicates), then the first case-insensitive match; top level before properties.
        using var document = JsonDocument.Parse("""
            {"a":"1","A":"2","a":"3","B":"4","b ":"5","\u0063":"6","C":"7","\u017F":"8","n":null,
             "properties":{"a":"p1","x":"p2","X":"p3","n":"p4","\u00E9":"p5","\u00C9":"p6"}}
            """);
        using var record = new DiagnosticRecord(document.RootElement);
        var properties = document.RootElement.GetProperty("properties");
        foreach (var name in new[] { "a", "A", "b", "B", "b ", "c", "C", "s", "\u017F", "n", "x", "X", "\u00E9", "\u00C9", "missing" })
        {
            JsonElement expected = default;
            var found = (DiagnosticRecord.TryGetProperty(document.RootElement, name, out expected) && expected.ValueKind != JsonValueKind.Null) ||
                (DiagnosticRecord.TryGetProperty(properties, name, out expected) && expected.ValueKind != JsonValueKind.Null);

            Assert.Equal(found, record.TryGetRaw(out var actual, name));
            Assert.Equal(found ? expected.GetRawText() : null, found ? actual.GetRawText() : null);
        }
    }
}
