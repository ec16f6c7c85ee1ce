using System.Text;
using System.Text.Json;
using System.Runtime.InteropServices;
using AcsFunctions.Records;

namespace AcsFunctions.Tests.Records;

// Records are matched to their resource by the raw bytes of their resourceId value (issue 18): whatever the form of
// the value and however many distinct values pass (more than the few remembered), the resource is the one Parse gives.
public sealed class ResourceRefTests
{
    [Fact]
    public void ParseRaw_AnyValueSeenAnyNumberOfTimes_SameResourceAsParse()
    {
        string[] values =
        [
            "\"/subscriptions/s1/resourceGroups/g1/providers/Microsoft.Communication/CommunicationServices/a\"",
            "\"\\/SUBSCRIPTIONS\\/S1\\/RESOURCEGROUPS\\/G1\\/PROVIDERS\\/MICROSOFT.COMMUNICATION\\/COMMUNICATIONSERVICES\\/A\"",
            "\"  /subscriptions/s1/resourceGroups/g1/providers/Microsoft.Communication/CommunicationServices/a/  \"",
            "\"subscriptions/s2/resourceGroups/g2/providers/P/T/b\"",
            "\"\"", "\"   \"", "\"null\"", "\"-\"", "42", "true", "{\"id\":\"x\"}",
            .. Enumerable.Range(0, 12).Select(i => $"\"/subscriptions/s/resourceGroups/g/providers/P/T/r{i}\""),
        ];

        for (var round = 0; round < 3; round++)
        {
            foreach (var value in values)
            {
                using var document = JsonDocument.Parse($"{{\"resourceId\":{value}}}");
                var element = document.RootElement.GetProperty("resourceId");
                var expected = ResourceRef.Parse(ReadLikeRecord(element));
                var actual = ResourceRef.ParseRaw(JsonMarshal.GetRawUtf8Value(element), element, ReadLikeRecord);
                Assert.Equal(expected, actual);
                Assert.Equal(expected.Key, actual.Key);
            }
        }
    }

    private static string? ReadLikeRecord(JsonElement element)
    {
        using var document = JsonDocument.Parse(Encoding.UTF8.GetBytes($"{{\"resourceId\":{element.GetRawText()}}}"));
        using var record = new DiagnosticRecord(document.RootElement);
        return record.GetString("resourceId").OrNull();
    }
}
