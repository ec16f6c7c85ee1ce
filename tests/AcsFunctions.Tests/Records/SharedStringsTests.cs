using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using AcsFunctions.Records;

namespace AcsFunctions.Tests.Records;

/// <summary>
/// <see cref="ShortStrings"/> and <see cref="RepeatedStrings"/> find plain ASCII values by their bytes (issue 18): they
/// must give exactly what <see cref="JsonElement.GetString"/> gives, share one instance per value, refuse what they do
/// not take (escapes, too long), and stay bounded.
/// </summary>
public sealed class SharedStringsTests
{
    public static TheoryData<string> Values => new()
    {
        "\"\"",
        "\"a\"",
        "\"Succeeded\"",
        "\"200\"",
        "\"exactly-8\"",
        "\"ACSCallDiagnostics\"",
        "\"48-characters-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"",
        "\"Zürich\"",
        "\"東京 region\"",
        "\"emoji 😀 value\"",
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void ShortStrings_GiveTheElementsText_AndOneInstancePerValue(string json)
    {
        using var first = JsonDocument.Parse(json);
        using var second = JsonDocument.Parse(json);
        var expected = first.RootElement.GetString()!;
        if (Encoding.UTF8.GetByteCount(expected) > 48)
        {
            Assert.False(ShortStrings.TryGet(first.RootElement, out _));
            return;
        }

        Assert.True(ShortStrings.TryGet(first.RootElement, out var a));
        Assert.True(ShortStrings.TryGet(second.RootElement, out var b));
        Assert.Equal(expected, a);
        Assert.Same(a, b);
    }

    [Fact]
    public void ShortStrings_DistinguishValuesThatDifferInOneByte_OrInLength()
    {
        string[] values = ["abcdefgh", "abcdefgi", "abcdefg", "abcdefgh ", "ABCDEFGH", "abcdefghabcdefgh", "abcdefghabcdefgi"];
        foreach (var value in values)
        {
            using var document = JsonDocument.Parse(JsonSerializer.Serialize(value));
            Assert.True(ShortStrings.TryGet(document.RootElement, out var text));
            Assert.Equal(value, text);
        }
    }

    [Fact]
    public void ShortStrings_RefuseEscapes_TooLongValues_AndNonStrings()
    {
        using var escaped = JsonDocument.Parse("\"a\\u0041b\"");
        using var longValue = JsonDocument.Parse(JsonSerializer.Serialize(new string('x', 49)));
        Assert.False(ShortStrings.TryGet(escaped.RootElement, out _));
        Assert.False(ShortStrings.TryGet(longValue.RootElement, out _));
        Assert.Equal("aAb", DiagnosticRecord.ReadString(escaped.RootElement)); // still read, by the element
    }

    [Fact]
    public void ShortStrings_StayCorrect_WhenTheTableFillsAndStartsOver()
    {
        // More distinct values than the table holds: it is emptied and fills again; every read stays exact.
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < 10_000; i++)
            {
                var value = "value-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                using var document = JsonDocument.Parse(JsonSerializer.Serialize(value));
                Assert.True(ShortStrings.TryGet(document.RootElement, out var text));
                Assert.Equal(value, text);
            }
        }
    }

    [Fact]
    public async Task ShortStrings_AreExact_OnSeveralThreadsAtOnce()
    {
        var failures = 0;
        var tasks = Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                var value = "t" + ((i * 7) + t).ToString(System.Globalization.CultureInfo.InvariantCulture);
                using var document = JsonDocument.Parse(JsonSerializer.Serialize(value));
                if (!ShortStrings.TryGet(document.RootElement, out var text) || text != value)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }));
        await Task.WhenAll(tasks);
        Assert.Equal(0, failures);
    }

    [Theory]
    [InlineData("/SUBSCRIPTIONS/11111111-2222-3333-4444-555555555555/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS-ONE")]
    [InlineData("https://contoso.example/api/v1/messages?api-version=2024-01-01")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Zürich-Edition")]
    [InlineData("x")]
    public void RepeatedStrings_GiveTheElementsText_AndShareARepeatedValue(string value)
    {
        var quoted = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(value, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        Assert.True(RepeatedStrings.TryGet(quoted, out var first));
        Assert.True(RepeatedStrings.TryGet(quoted.ToArray(), out var second));
        Assert.Equal(value, first);
        Assert.Same(first, second);
    }

    [Fact]
    public void RepeatedStrings_ReplaceASlotsValue_WithoutConfusingTwoValues()
    {
        // Values of one length that differ only in the middle share a prefix and suffix: each read is still exact.
        for (var i = 0; i < 500; i++)
        {
            var value = "https://contoso.example/api/" + i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture) + "/messages";
            using var document = JsonDocument.Parse(JsonSerializer.Serialize(value));
            Assert.True(RepeatedStrings.TryGet(JsonMarshal.GetRawUtf8Value(document.RootElement), out var text));
            Assert.Equal(value, text);
        }

        Assert.False(RepeatedStrings.TryGet("\"a\\\"b\""u8, out _)); // an escape: read by the element instead
        Assert.False(RepeatedStrings.TryGet("\"\""u8, out _));
    }
}
