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
