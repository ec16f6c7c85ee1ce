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
}
