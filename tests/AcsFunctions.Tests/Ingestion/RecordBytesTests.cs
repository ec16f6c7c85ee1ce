using System.Text;
using System.Text.Json;
using AcsFunctions.Decoding;
using AcsFunctions.Dispatch;
using AcsFunctions.Generation;
using AcsFunctions.Ingestion;
using AcsFunctions.Privacy;
using AcsFunctions.Records;
using AcsFunctions.Schemas;
using Microsoft.Extensions.Options;

namespace AcsFunctions.Tests.Ingestion;

/// <summary>
/// Records split out of their body by a reader scan and parsed once, after the privacy pass (issue 18): each step
/// against the reference it replaces — the body's document (<see cref="BodyDecoder"/> without the split), the DOM
/// category lookup (<see cref="Categories.OfRecord(JsonElement)"/>), the element sanitizer — on generated streams and
/// odd input, which must take the reference path.
/// </summary>
public sealed class RecordBytesTests
{
    private const string Key = "unit-test-key-0123456789";

    private static readonly string[] _oddBodies =
    [
        """{"records":[{"a":1},{"b":2}],"other":{"records":3}}""",
        """{"Records":[{"a":1}],"RECORDS":[{"b":[1,{"c":2}]}]}""",
        """{"records":[{"a":1},2,"x",null,[1]]}""",
        """{"records":{"a":1}}""",
        """{"records":[{"a":1}],"records":"not an array"}""",
        """{"rec\u006frds":[{"a":1}]}""",
        """{"recordſ":[{"a":1}]}""",
        """{"category":"AuthOperational","callerIpAddress":"198.51.100.7"}""",
        """{}""",
        """[{"a":1},{"b":2}]""",
        """[{"a":1},3]""",
        """[]""",
        """{"records":[]}""",
        """{"records":[{"a":1}]} trailing""",
        """{"records":[{"a":1}]}{"records":[{"b":2}]}""",
        """{"records":[{"a":1},]}""",
        "{\"records\":[{\"a\":1} // comment\n]}",
        "  \r\n{ \"records\" : [ { \"a\" : 1 } , {\"b\":\"x\\u0041\"} ] }  \n",
        "\"just a string\"",
        "42",
        "{\"records\":[" + new string('[', 70) + new string(']', 70) + "]}",
        "{\"records\":[{\"d\":" + new string('[', 61) + new string(']', 61) + "}]}",
        "{\"records\":[{\"d\":" + new string('[', 62) + new string(']', 62) + "}]}",
        "{\"a\":1}\n{\"records\":[{\"b\":2}]}\nnot json\n",
    ];

    private static readonly string[] _oddRecords =
    [
        """{"time":"2025-01-01T00:00:00Z","category":"AuthOperational","callerIpAddress":"198.51.100.7","properties":{"Identity":"8:acs:abc_def"}}""",
        """{"Category":"Usage","category":"AuthOperational"}""",
        """{"CATEGORY":"Usage","Category":"AuthOperational"}""",
        """{"category":"Usage","category":"AuthOperational"}""",
        """{"category":"Usage","category":1}""",
        """{"category":{"x":"Usage"}}""",
        """{"category":"  authoperational  "}""",
        """{"category":"CallSummaryPRIVATEPREVIEW"}""",
        """{"category":"SomethingNew","ip":"198.51.100.7","note":"mail a.b@example.com"}""",
        """{"category":"Auth\u004fperational"}""",
        """{"c\u0061tegory":"Usage"}""",
        """{"category":"café"}""",
        """{"catégorie":"x","category":"EmailSendMailOperational"}""",
        """{"nocategory":true}""",
        """{"category":"authoperational","properties":"{\"Identity\":\"8:acs:x\"}"}""",
        """{"category":"AuthOperational","bad":"\uD800"}""",
        "{\"category\":\"" + new string('x', 200) + "\"}",
    ];

    private static PolicySanitizer Create() =>
        new(new PrivacyPolicy(Options.Create(new PrivacyOptions { HashKey = Key }), CategoryModuleRegistration.PersonalFields(SchemaHandlerRegistration.BuiltIn)));

    private static IEnumerable<EventBody> Bodies()
    {
        var options = new GeneratorOptions { Calls = 20, ApiRequests = 2_000, Emails = 20, Minutes = 10, Seed = 5, Malformed = 0.1 };
        foreach (var body in SyntheticStream.Create(options).Bodies())
        {
            yield return body.ToEventBody();
        }

        foreach (var odd in _oddBodies)
        {
            yield return new EventBody(Encoding.UTF8.GetBytes(odd), new Lineage { File = "odd.json", Line = 3 });
        }
    }

    [Fact]
    public void Split_DecodesEveryBodyAsItsDocumentDoes()
    {
        var split = 0;
        var records = 0;
        foreach (var body in Bodies())
        {
            using var reference = BodyDecoder.Decode(body, split: false);
            using var decoded = BodyDecoder.Decode(body);
            Assert.Equal(reference.Bodies, decoded.Bodies);
            Assert.Equal(Describe(reference), Describe(decoded));
            records += decoded.Items.Count(i => i.DeadLetter is null);
            foreach (var item in decoded.Items.Where(i => i.Category is not null))
            {
                Assert.Equal(Categories.OfRecord(item.Record), item.Category);
            }

            split += decoded.Items.Count(i => !i.Utf8.IsEmpty);
        }

        Assert.True(records > 2_000, $"{records} records");
        Assert.True(split > records * 0.9, $"the split took {split} of {records} records");
        using var odd = BodyDecoder.Decode(new EventBody(Encoding.UTF8.GetBytes("""[{"c\u0061tegory":"Usage"},{"Category":"usage","x":{"category":"no"}}]"""), Lineage.None));
        Assert.Equal([null, Categories.Usage], odd.Items.Select(i => i.Category));
    }

    [Fact]
    public void CategoryFromBytes_IsTheDomLookup_OrDefersToIt()
    {
        var fromBytes = 0;
        var all = RecordsOf(Bodies()).Concat(_oddRecords).ToList();
        foreach (var json in all)
        {
            using var document = JsonDocument.Parse(json);
            if (Categories.TryOfRecord(Encoding.UTF8.GetBytes(json), out var category))
            {
                fromBytes++;
                Assert.Equal(Categories.OfRecord(document.RootElement), category);
            }
        }

        Assert.True(fromBytes > all.Count * 0.9, $"{fromBytes} of {all.Count} from bytes");
        Assert.False(Categories.TryOfRecord("""{"c\u0061tegory":"Usage"}"""u8, out _));
        Assert.True(Categories.TryOfRecord("""{"CATEGORY":"usage","category":"authoperational"}"""u8, out var last));
        Assert.Equal(Categories.AuthOperational, last);
    }

    [Fact]
    public void SanitizeFromBytes_SameTextAndIdAsFromTheElement()
    {
        var policy = Create();
        IRecordSanitizer passThrough = new PassThroughSanitizer();
        foreach (var json in RecordsOf(Bodies()).Concat(_oddRecords))
        {
            var utf8 = Encoding.UTF8.GetBytes(json);
            using var document = JsonDocument.Parse(utf8);
            foreach (var sanitizer in new IRecordSanitizer[] { policy, passThrough })
            {
                string expected;
                string? expectedId;
                try
                {
                    using var reference = sanitizer.Sanitize(Categories.OfRecord(document.RootElement), document.RootElement);
                    expected = Encoding.UTF8.GetString(reference.Utf8Span);
                    expectedId = reference.RecordId ?? RecordId.Compute(reference.Utf8Span);
                }
                catch (InvalidOperationException ex)
                {
                    Assert.Throws(ex.GetType(), () => RecordProcessor.Sanitize(sanitizer, utf8).Dispose());
                    continue;
                }

                using var fromBytes = RecordProcessor.Sanitize(sanitizer, utf8);
                Assert.Equal(expected, Encoding.UTF8.GetString(fromBytes.Utf8Span));
                Assert.Equal(expected, fromBytes.Element.GetRawText());
                Assert.Equal(expectedId, fromBytes.RecordId ?? RecordId.Compute(fromBytes.Utf8Span));
            }
        }
    }

    private static IEnumerable<string> RecordsOf(IEnumerable<EventBody> bodies)
    {
        foreach (var body in bodies)
        {
            using var decoded = BodyDecoder.Decode(body, split: false);
            foreach (var item in decoded.Items.Where(i => i.DeadLetter is null))
            {
                yield return item.Record.GetRawText();
            }
        }
    }

    private static string Describe(DecodedBody decoded) => string.Join('\n', decoded.Items.Select(i => i.DeadLetter is { } dead
        ? $"dead {dead.Reason} {dead.Detail} {Convert.ToBase64String(dead.Payload.Span)} {dead.Lineage}"
        : $"record {i.Record.GetRawText()} {i.Lineage}"));
}
