using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using AcsFunctions.Benchmarks;
using AcsFunctions.Decoding;
using AcsFunctions.Records;

namespace AcsFunctions.Tests.Records;

// The id used to be the hash of the text without insignificant white space; since issue 15 it is the hash of a
// canonical form (Reliability/RecordIdentityTests covers the serializations). These tests keep the earlier
// guarantees: white space never matters, strings are kept whole, every generated record is stable.
public sealed class RecordIdTests
{
    [Theory]
    [InlineData("""{"a":1,"b":"x y"}""", " {\n\t\"a\" : 1 ,\r\n \"b\" : \"x y\" } ")]
    [InlineData("""{"q":"say \"hi\" \\","e":"\\\\"}""", """{ "q" : "say \"hi\" \\" , "e" : "\\\\" }""")]
    [InlineData("""{"nested":{"arr":[1,2,"three \" ] "]},"end":"\\"}""", """{ "nested" : { "arr" : [ 1 , 2 , "three \" ] " ] } , "end" : "\\" }""")]
    [InlineData("""["a\\\"b","c"]""", """[ "a\\\"b" , "c" ]""")]
    public void Compute_WhiteSpaceOutsideStrings_DoesNotMatter(string compact, string spaced) =>
        Assert.Equal(RecordId.Compute(Encoding.UTF8.GetBytes(compact)), RecordId.Compute(Encoding.UTF8.GetBytes(spaced)));

    [Theory]
    [InlineData("""{"b":"x y"}""", """{"b":"xy"}""")]
    [InlineData("""{"b":"tab\tin"}""", """{"b":"tab in"}""")]
    [InlineData("""{"a":[1,2]}""", """{"a":[2,1]}""")]
    [InlineData("""{"a":1e400}""", """{"a":1e401}""")]
    [InlineData("""{"a":"\ud800"}""", """{"a":"\ud801"}""")]
    [InlineData("""{"a":{"b":1}}""", """{"a":{"b":1},"c":null}""")]
    [InlineData("""{"a":"0.1"}""", """{"a":"0.10.1"}""")]
    public void Compute_DifferentContent_DifferentIds(string one, string other) =>
        Assert.NotEqual(RecordId.Compute(Encoding.UTF8.GetBytes(one)), RecordId.Compute(Encoding.UTF8.GetBytes(other)));

    [Fact]
    public void Compute_OnEveryGeneratedRecord_SameIdWhenReserializedIndentedAndReordered()
    {
        var records = 0;
        var indented = new System.Text.Json.JsonSerializerOptions { WriteIndented = true };
        foreach (var body in IngestBenchmarks.GenerateBodies(400_000))
        {
            using var decoded = BodyDecoder.Decode(body);
            foreach (var item in decoded.Items.Where(i => i.DeadLetter is null))
            {
                var raw = JsonMarshal.GetRawUtf8Value(item.Record);
                var node = JsonNode.Parse(raw)!;
                var reordered = node is JsonObject o ? new JsonObject(o.Reverse().Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))) : node;
                Assert.Equal(RecordId.Compute(raw), RecordId.Compute(Encoding.UTF8.GetBytes(reordered.ToJsonString(indented))));
                records++;
            }
        }

        Assert.True(records > 300, $"{records} records");
    }
}
