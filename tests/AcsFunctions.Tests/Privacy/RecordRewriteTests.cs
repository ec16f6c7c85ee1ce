using System.Text;
using System.Text.Json;
using AcsFunctions.Decoding;
using AcsFunctions.Dispatch;
using AcsFunctions.Generation;
using AcsFunctions.Privacy;
using AcsFunctions.Records;
using AcsFunctions.Schemas;
using Microsoft.Extensions.Options;

namespace AcsFunctions.Tests.Privacy;

/// <summary>
/// The one-pass privacy rewrite (<see cref="RecordRewrite"/>, issue 18) against the writer walk it replaces
/// (<see cref="PolicySanitizer.SanitizeByWriter"/>): the same bytes for every record, and the id it computes while
/// writing equal to <see cref="RecordId.Compute"/> of those bytes.
/// </summary>
public sealed class RecordRewriteTests
{
    private const string Key = "unit-test-key-0123456789";

    private static PolicySanitizer Create(Dictionary<string, Dictionary<string, string>>? fields = null) =>
        new(new PrivacyPolicy(Options.Create(new PrivacyOptions { HashKey = Key, Fields = fields ?? [] }), CategoryModuleRegistration.PersonalFields(SchemaHandlerRegistration.BuiltIn)));

    /// <summary>Sanitizes both ways (a record the writer walk refuses is refused alike); returns whether the one-pass rewrite took the record.</summary>
    private static bool AssertSame(PolicySanitizer sanitizer, JsonElement record)
    {
        var category = Categories.OfRecord(record);
        var rules = sanitizer.Policy.For(category);
        string reference;
        try
        {
            using var written = sanitizer.SanitizeByWriter(rules, record);
            reference = rules.HasEffect ? Encoding.UTF8.GetString(written.Utf8Span) : record.GetRawText();
        }
        catch (InvalidOperationException ex)
        {
            Assert.Throws(ex.GetType(), () => sanitizer.Sanitize(category, record).Dispose());
            return false;
        }

        using var fused = sanitizer.Sanitize(category, record);
        Assert.Equal(reference, Encoding.UTF8.GetString(fused.Utf8Span));
        if (fused.RecordId is null)
        {
            return false;
        }

        Assert.Equal(RecordId.Compute(fused.Utf8Span), fused.RecordId);
        return true;
    }

    [Fact]
    public void Rewrite_GeneratedStreams_SameBytesAndIdsAsTheWriterWalk()
    {
        var sanitizer = Create();
        var records = 0;
        var taken = 0;
        foreach (var seed in new[] { 1L, 7L })
        {
            var options = new GeneratorOptions { Calls = 20, ApiRequests = 3_000, Minutes = 10, Seed = seed, Malformed = 0.1 };
            foreach (var body in SyntheticStream.Create(options).Bodies())
            {
                using var decoded = BodyDecoder.Decode(body.ToEventBody());
                foreach (var item in decoded.Items.Where(i => i.DeadLetter is null))
                {
                    records++;
                    taken += AssertSame(sanitizer, item.Record) ? 1 : 0;
                }
            }
        }

        Assert.True(records > 3_000, $"{records} records");
        Assert.True(taken > records * 0.9, $"the one pass took {taken} of {records} records");
    }

    [Theory]
    [InlineData("""{"time":"2025-01-01T00:00:00Z","category":"AuthOperational","callerIpAddress":"198.51.100.7","properties":{"Identity":"8:acs:abc_def","Scopes":["voip","chat"]}}""")]
    [InlineData("""{ "time" : "2025-01-01T00:00:00Z" ,"category":"AuthOperational", "callerIpAddress" : "198.51.100.7" , "properties" : { "Identity" : "8:acs:abc_def" , "n" : [ 1 , 2.50 , -0 , 1e3 , true , null ] } }""")]
    [InlineData("""{"category":"AuthOperational","callerIpAddress":"198.51.100.7","note":"caf\u00e9 \/ \"q\" \n tab\t","utf8":"café ☕ 𝄞","del":"a\u007fb","raw":"ab"}""")]
    [InlineData("""{"category":"AuthOperational","callerIpAddress":"198.51.100.7","html":"<a href='x'>&amp;</a> +1 `x`","ctl":"\u0001\u001f"}""")]
    [InlineData("""{"category":"AuthOperational","callerIpAddress":"198.51.100.7","nested":{"a\u0062c":1,"é":2,"deep":[{"x":"y"},[],{}]}}""")]
    [InlineData("""{"category":"AuthOperational","callerIpAddress":"198.51.100.7","lone":"\ud800"}""")]
    [InlineData("""{"category":"AuthOperational","callerIp\u0041ddress":"198.51.100.7"}""")]
    [InlineData("""{"category":"AuthOperational","identity":{"claims":{"oid":"8:acs:abc"}},"callerIpAddress":"null"}""")]
    [InlineData("""{"category":"AuthOperational","identity":42,"callerIpAddress":" - ","resultDescription":"Redacted"}""")]
    [InlineData("""{"category":"AuthOperational","callerIpAddress":"2001:db8::1","resultDescription":"user 8:acs:abc_def from 198.51.100.9","properties":"{\"Identity\":\"8:acs:x\"}"}""")]
    [InlineData("""{"category":"AuthOperational","user@example.com":"x","callerIpAddress":"198.51.100.7"}""")]
    [InlineData("""{"category":"AuthOperational","a.1":"x","b:c":"y","callerIpAddress":"198.51.100.7"}""")]
    [InlineData("""{"category":"AuthOperational","properties":{"URI":"https://acs.communication.azure.com/identities/8:acs:abc_def/:issueAccessToken?api-version=2022-10-01&x=1"},"callerIpAddress":"198.51.100.7"}""")]
    [InlineData("""{"category":"AuthOperational","properties":{"URI":"HTTPS://Acs.Example.com:443/a/../b?x=%41"},"Properties":{"URI":"https://acs.communication.azure.com/a?api-version=1"}}""")]
    [InlineData("""{"category":"AuthOperational","properties":{"URI":"https://acs.communication.azure.com/sms?api-version=2021-03-07&to=*"}}""")]
    [InlineData("""{"category":"AuthOperational","properties":[1,2],"callerIpAddress":198}""")]
    [InlineData("""{"category":"AuthOperational","callerIpAddress":"198.51.100.7","callerIpAddress":"198.51.100.8","CALLERIPADDRESS":"x"}""")]
    [InlineData("""{"category":"SMSOperational","properties":{"PhoneNumber":"+1 (425) 555-0123","Country":"US"},"resultDescription":"Sent to +14255550123"}""")]
    [InlineData("""{"category":"CallSummary","properties":{"identifier":"8:acs:11111111-2222-3333-4444-555555555555_00000021","callStartTime":"2025-01-07T07:43:54.9386203Z","participantDuration":"630"}}""")]
    [InlineData("""{"category":"NoSuchCategory","callerIpAddress":"198.51.100.7","free":"call +14255550123"}""")]
    [InlineData("""{"category":"AuthOperational","properties":{"Identity":""}}""")]
    [InlineData("""{"category":"SMSOperational","properties":{"Recipients":[{"PhoneNumber":"+18445791704","Status":"Sent"},{"PhoneNumber":"null"},[],{}],"n":[1,[2,{"a":{}}]]}}""")]
    [InlineData("""{"category":"CallSummary","properties":{"participants":[{"identifier":"8:acs:abc_def","x":{"UserId":"u1","deep":{"callerIpAddress":"198.51.100.7"}}}]},"top":{"identifier":"8:acs:abc_def"}}""")]
    [InlineData("""{"category":"CallSummary","properties":{"p":[{"identifier":{"rawId":"8:acs:abc_def"}},{"identifier":["a","b"]},{"resultDescription":{"t":"to +14255550123"}}]}}""")]
    [InlineData("""{"category":"CallSummary","properties":{"p":[{"identifier":"h:0123456789abcdef01234567","user@example.com":1}]}}""")]
    [InlineData("""{"category":"CallSummary","properties":{"p":{"identifier":"8:acs:abc_def"}},"properties2":[{"PhoneNumber":"+14255550123"}]}""")]
    [InlineData("""{"category":"CallSummary","properties":[{"identifier":"8:acs:abc_def"}]}""")]
    [InlineData("""{"category":"CallSummary","properties":"{\"p\":[{\"identifier\":\"8:acs:abc_def\"}]}"}""")]
    [InlineData("""{"category":"NoSuchCategory","properties":{"p":[{"identifier":"bob","free":"call +14255550123","time":"x"}]}}""")]
    public void Rewrite_OddRecords_SameBytesAndIdsAsTheWriterWalk(string json)
    {
        using var document = JsonDocument.Parse(json);
        AssertSame(Create(), document.RootElement);
    }

    [Theory]
    [InlineData("""{"category":"SMSOperational","properties":{"Recipients":[{"PhoneNumber":"+14255550123","Status":"Sent"}],"Country":"US"}}""")]
    [InlineData("""{"category":"CallSummary","properties":{"participants":[{"x":{"identifier":"8:acs:abc_def-14255550123"}}]}}""")]
    [InlineData("""{"category":"CallSummary","nested":[[{"identifier":{"rawId":"8:acs:abc_def-14255550123"}}]]}""")]
    public void Rewrite_NestedPersonalFields_TakenByTheOnePassAndRewritten(string json)
    {
        using var document = JsonDocument.Parse(json);

        Assert.True(AssertSame(Create(), document.RootElement), "the one pass takes a record with nested personal fields");
        using var result = Create().Sanitize(Categories.OfRecord(document.RootElement), document.RootElement);
        Assert.DoesNotContain("14255550123", Encoding.UTF8.GetString(result.Utf8Span), StringComparison.Ordinal);
    }

    [Fact]
    public void Rewrite_NestedContainersWithoutPersonalNames_StoredAsReceivedWithTheSameId()
    {
        // Walking nested containers for personal names changes neither the text nor the id of a record that has none.
        var utf8 = """{"category":"CallSummary","properties":{"streams":[{"n":1,"o":{"a":[true,null,"x"]}},[]],"empty":{}},"top":[{"k":"v"}]}"""u8.ToArray();

        using var result = Create().Sanitize("CallSummary", utf8);

        Assert.Equal(utf8, result.Utf8Span.ToArray());
        Assert.Equal(RecordId.Compute(utf8), result.RecordId);
    }

    [Fact]
    public void Rewrite_DroppedAndKeptFields_SameBytesAndIdsAsTheWriterWalk()
    {
        var sanitizer = Create(new()
        {
            ["All"] = new() { ["callerIpAddress"] = "drop", ["resultDescription"] = "keep", ["first"] = "drop", ["Scopes"] = "hash", ["n"] = "mask" },
        });
        foreach (var json in new[]
        {
            """{"first":1,"category":"AuthOperational","callerIpAddress":"198.51.100.7","resultDescription":"to +14255550123"}""",
            """{"callerIpAddress":"198.51.100.7"}""",
            """{"category":"AuthOperational","properties":{"Scopes":["voip"],"n":{"a":[1]},"first":{"x":1}},"first":[]}""",
            """{"category":"AuthOperational","properties":{"n":"plain text","Scopes":12.50}}""",
            """{"category":"AuthOperational","properties":{"list":[{"first":1,"callerIpAddress":"198.51.100.7"},{"callerIpAddress":"1.2.3.4","first":2}],"o":{"first":{"x":1},"resultDescription":"to +14255550123"}}}""",
        })
        {
            using var document = JsonDocument.Parse(json);
            AssertSame(sanitizer, document.RootElement);
        }
    }

    [Fact]
    public void Rewrite_EveryPrintableAsciiCharacter_WrittenAsTheWriterWrites()
    {
        var sanitizer = Create();
        for (var c = 0x20; c < 0x80; c++)
        {
            var value = JsonSerializer.Serialize(new string((char)c, 2));
            using var document = JsonDocument.Parse($$"""{"category":"AuthOperational","callerIpAddress":"198.51.100.7","v":{{value}},"n{{(c is '"' or '\\' ? "" : ((char)c).ToString())}}":1}""");
            AssertSame(sanitizer, document.RootElement);
        }
    }

    [Fact]
    public void MayHaveRule_TrueForEveryRuleNameInAnyCase_FalseForMostOtherNames()
    {
        var rules = Create(new() { ["All"] = new() { ["x"] = "drop", ["\u017Fomething"] = "drop" } }).Policy.For("CallSummary");
        foreach (var name in rules.Fields.Keys.Where(n => System.Text.Ascii.IsValid(n)))
        {
            Assert.True(rules.MayHaveRule(Encoding.ASCII.GetBytes(name.ToUpperInvariant())), name);
            Assert.True(rules.MayHaveRule(Encoding.ASCII.GetBytes(name.ToLowerInvariant())), name);
        }

        Assert.True(rules.MayHaveRule("Something"u8)); // a non-ASCII rule name of the same length may match ignoring case
        Assert.False(rules.MayHaveRule("category"u8));
        Assert.False(rules.MayHaveRule("resourceId"u8));
    }
}
