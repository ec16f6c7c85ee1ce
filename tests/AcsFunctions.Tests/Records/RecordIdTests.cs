using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using AcsFunctions.Benchmarks;
using AcsFunctions.Decoding;
using AcsFunctions.Records;

namespace AcsFunctions.Tests.Records;

public sealed class RecordIdTests
{
    [Theory]
    [InlineData("""{"a":1,"b":"x y"}""")]
    [InlineData(" {\n\t\"a\" : 1 ,\r\n \"b\" : \"x y\" } ")]
    [InlineData("""{"q":"say \"hi\" \\","e":"\\\\","t":"tab\tin string","u":"caf\u00e9 ü"}""")]
    [InlineData("""{ "nested" : { "arr" : [ 1 , 2 , "three \" ] " ] } , "end" : "\\" }""")]
    [InlineData("""[ "a\\\"b" , "c" ]""")]
    public void Compute_EqualsHashOfTheTextWithoutInsignificantWhiteSpace(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);

        Assert.Equal(Expected(bytes), RecordId.Compute(bytes));
    }

    [Fact]
    public void Compute_OnEveryGeneratedRecord_EqualsTheByteByByteDefinition()
    {
        var records = 0;
        foreach (var body in IngestBenchmarks.GenerateBodies(400_000))
        {
            using var decoded = BodyDecoder.Decode(body);
            foreach (var item in decoded.Items.Where(i => i.DeadLetter is null))
            {
                var raw = JsonMarshal.GetRawUtf8Value(item.Record);
                Assert.Equal(Expected(raw), RecordId.Compute(raw));
                records++;
            }
        }

        Assert.True(records > 300, $"{records} records");
    }

    // The definition, one byte at a time: outside strings white space is dropped; strings are kept whole.
    private static string Expected(ReadOnlySpan<byte> json)
    {
        var output = new List<byte>(json.Length);
        bool inString = false, escaped = false;
        foreach (var b in json)
        {
            if (inString)
            {
                output.Add(b);
                if (escaped)
                {
                    escaped = false;
                }
                else if (b == (byte)'\\')
                {
                    escaped = true;
                }
                else if (b == (byte)'"')
                {
                    inString = false;
                }
            }
            else if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                output.Add(b);
                inString = b == (byte)'"';
            }
        }

        return Convert.ToHexStringLower(SHA256.HashData(output.ToArray())[..16]);
    }
}
