using System.Buffers.Binary;
using System.Globalization;
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

    // The common ISO-8601 shapes are read without the general parser (issue 18): every string below must canonicalise
    // exactly as DateTimeOffset.TryParse decides, a time (tag t + UTC ticks) or text (tag s + length + bytes).
    [Fact]
    public void Canonical_TimeStrings_SameTicksAsTheGeneralParser()
    {
        string[] dates = ["0001-01-01", "0002-01-01", "2024-02-29", "2023-02-29", "2024-12-31", "2024-13-01", "2024-00-10", "2024-04-31", "2024-01-00", "9998-12-31", "9999-12-31"];
        string[] times = ["00:00:00", "23:59:59", "24:00:00", "12:60:00", "12:00:60", "12:34", "12:34:56"];
        string[] fractions = ["", ".", ".1", ".12", ".123", ".1234567", ".12345678", ".123456789", ",5"];
        string[] offsets = ["", "Z", "z", "+00:00", "-00:00", "+05:30", "-08:00", "+14:00", "-14:00", "+14:01", "+13:60", "+0530", "+05", " Z"];
        string[] separators = ["T", "t", " "];
        var checkedTimes = 0;
        foreach (var date in dates)
        {
            foreach (var time in times)
            {
                foreach (var fraction in fractions)
                {
                    foreach (var offset in offsets)
                    {
                        foreach (var separator in separators)
                        {
                            var text = date + separator + time + fraction + offset;
                            var expected = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
                                ? Time(parsed.UtcTicks)
                                : Text(text);
                            Assert.True(expected.AsSpan().SequenceEqual(RecordId.Canonical(Encoding.UTF8.GetBytes($"\"{text}\""))), text);
                            checkedTimes += expected[0] == (byte)'t' ? 1 : 0;
                        }
                    }
                }
            }
        }

        Assert.True(checkedTimes > 1000, $"{checkedTimes} times");

        static byte[] Time(long ticks)
        {
            var bytes = new byte[9];
            bytes[0] = (byte)'t';
            BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(1), ticks);
            return bytes;
        }

        static byte[] Text(string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            var length = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
            return [(byte)'s', .. length, .. bytes];
        }
    }

    // Objects are sorted in place (an insertion sort up to 32 members, Span.Sort beyond): any member order gives the
    // same bytes, with duplicate names (ordered by value) and in objects of every size around the switch.
    [Theory]
    [InlineData(2)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(90)]
    public void Canonical_AnyMemberOrder_SameBytes(int members)
    {
        var random = new Random(members);
        var pairs = Enumerable.Range(0, members).Select(i => $"\"m{random.Next(members / 2 + 1)}\":{{\"v\":{i % 7},\"w\":[{i},\"x\"]}}").ToArray();
        var sorted = RecordId.Canonical(Encoding.UTF8.GetBytes("{" + string.Join(',', pairs.Order(StringComparer.Ordinal)) + "}"));
        for (var round = 0; round < 5; round++)
        {
            var shuffled = pairs.ToArray();
            random.Shuffle(shuffled);
            Assert.Equal(sorted, RecordId.Canonical(Encoding.UTF8.GetBytes("{" + string.Join(',', shuffled) + "}")));
        }

        Assert.Equal(sorted, RecordId.Canonical(Encoding.UTF8.GetBytes("{" + string.Join(',', pairs.Reverse()) + "}")));
    }
}
