using System.Text.Json;
using AcsFunctions.Drift;

namespace AcsFunctions.Tests.Drift;

public sealed class ValueKindRulesTests
{
    [Theory]
    [InlineData("12", ValueKinds.Number)]
    [InlineData("\"12.5\"", ValueKinds.NumericString)]
    [InlineData("\" -3e2 \"", ValueKinds.NumericString)]
    [InlineData("\"True\"", ValueKinds.BooleanString)]
    [InlineData("false", ValueKinds.Boolean)]
    [InlineData("\"null\"", ValueKinds.None)]
    [InlineData("\"\"", ValueKinds.None)]
    [InlineData("null", ValueKinds.None)]
    [InlineData("\"19:abc@thread.v2\"", ValueKinds.String)]
    [InlineData("\"\\u0031\"", ValueKinds.String)]
    [InlineData("{}", ValueKinds.Object)]
    [InlineData("[1]", ValueKinds.Array)]
    public void Classify(string json, ValueKinds expected)
    {
        using var document = JsonDocument.Parse(json);

        Assert.Equal(expected, ValueKindRules.Classify(document.RootElement));
    }

    [Fact]
    public void Classify_StringsAsDoubleTryParseJudgesThem()
    {
        // Text with a byte a number cannot hold is judged without parsing: the result must be what parsing gives.
        string[] samples =
        [
            "Infinity", "-infinity", "+INFINITY", "NaN", "-nan", "+NaN", "1e5", "1E+5", "-.5", "5.", "+-1", "1,000",
            "0x1F", "١٢", "∞", "-∞", "1_000", "12a", "a12", "e", ".", "- 1", "1 2", "  7  ", "1e", "ee", "fay", "tiny",
        ];
        string[] alphabets = ["0123456789+-.eEiInNfFtTyYaAbxX ,_:%$/∞١", "0123456789+-.eE ", "InfinityNaN+-"];
        var random = new Random(5);
        var generated = Enumerable.Range(0, 30_000).Select(i => alphabets[i % 3]).Select(a => new string(Enumerable.Range(0, random.Next(1, 9)).Select(_ => a[random.Next(a.Length)]).ToArray()));
        foreach (var text in samples.Concat(generated))
        {
            using var document = JsonDocument.Parse("\"" + text + "\""); // unescaped: the raw UTF-8 is the text
            var trimmed = text.Trim(' ', '\t');
            var expected = System.Text.Encoding.UTF8.GetByteCount(text) + 2 > 42 ? ValueKinds.String
                : trimmed.Length == 0 || trimmed.Equals("null", StringComparison.OrdinalIgnoreCase) ? ValueKinds.None
                : trimmed.Equals("true", StringComparison.OrdinalIgnoreCase) || trimmed.Equals("false", StringComparison.OrdinalIgnoreCase) ? ValueKinds.BooleanString
                : double.TryParse(trimmed, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _) ? ValueKinds.NumericString
                : ValueKinds.String;

            Assert.True(expected == ValueKindRules.Classify(document.RootElement), text);
        }
    }

    [Theory]
    [InlineData(ValueKinds.Number, ValueKinds.NumericString, ValueKinds.None)]
    [InlineData(ValueKinds.NumericString, ValueKinds.Number, ValueKinds.None)]
    [InlineData(ValueKinds.String, ValueKinds.NumericString, ValueKinds.None)]
    [InlineData(ValueKinds.Boolean, ValueKinds.BooleanString, ValueKinds.None)]
    [InlineData(ValueKinds.Number | ValueKinds.NumericString, ValueKinds.String, ValueKinds.String)]
    [InlineData(ValueKinds.String, ValueKinds.Object | ValueKinds.String, ValueKinds.Object)]
    public void Uncovered(ValueKinds known, ValueKinds seen, ValueKinds expected) =>
        Assert.Equal(expected, ValueKindRules.Uncovered(known, seen));

    [Fact]
    public void Format_Parse_RoundTrip()
    {
        var kinds = ValueKinds.String | ValueKinds.Array | ValueKinds.BooleanString;

        Assert.Equal(kinds, ValueKindRules.Parse(ValueKindRules.Format(kinds)));
        Assert.Equal("none", ValueKindRules.Format(ValueKinds.None));
    }
}
