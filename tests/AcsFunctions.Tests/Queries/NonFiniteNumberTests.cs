using System.Text;
using System.Text.Json;
using AcsFunctions.Functions;
using AcsFunctions.Queries;

namespace AcsFunctions.Tests.Queries;

/// <summary>
/// A number JSON cannot hold (a mean or sum that overflowed to infinity, a NaN) is written as null, so an answer is
/// always complete JSON: before, the serializer threw mid-answer, which failed the Functions invocation and cut
/// <c>acs-diag serve</c>'s streamed response short after its 200 was sent.
/// </summary>
public sealed class NonFiniteNumberTests
{
    private static readonly IReadOnlyList<object> _rows =
    [
        new Row("overflowed", double.PositiveInfinity, double.NaN, double.NegativeInfinity),
        new Row("finite", 1.5, 2, -0.25),
        new Row("absent", 0, null, 1e308),
    ];

    [Fact]
    public void NonFiniteNumbers_AreWrittenAsNull_FiniteOnesUnchanged_CompactAndIndented()
    {
        Assert.Equal(
            """[{"name":"overflowed","mean":null,"p95":null,"min":null},{"name":"finite","mean":1.5,"p95":2,"min":-0.25},{"name":"absent","mean":0,"p95":null,"min":1E+308}]""",
            QueryJson.Serialize(_rows, indented: false));

        using var indented = JsonDocument.Parse(QueryJson.Serialize(_rows, indented: true));
        var first = indented.RootElement[0];
        Assert.Equal(JsonValueKind.Null, first.GetProperty("mean").ValueKind);
        Assert.Equal(JsonValueKind.Null, first.GetProperty("p95").ValueKind);
        Assert.Equal(JsonValueKind.Null, first.GetProperty("min").ValueKind);
        Assert.Equal(1.5, indented.RootElement[1].GetProperty("mean").GetDouble());
    }

    [Fact]
    public async Task AnAnswerWithNonFiniteNumbers_IsWrittenWhole_AsTheHostsWriteIt()
    {
        using var body = new MemoryStream();
        await HttpQueryResponse.Ok(_rows).WriteBodyAsync(body);

        var text = Encoding.UTF8.GetString(body.ToArray());
        Assert.Equal(QueryJson.Serialize(_rows, indented: false), text);
        using var document = JsonDocument.Parse(text);
        Assert.Equal(3, document.RootElement.GetArrayLength());
    }

    private sealed record Row(string Name, double Mean, double? P95, double Min);
}
