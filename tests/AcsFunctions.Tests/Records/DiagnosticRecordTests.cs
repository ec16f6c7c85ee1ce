using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using AcsFunctions.Records;

namespace AcsFunctions.Tests.Records;

/// <summary>
/// The byte-level read paths of <see cref="DiagnosticRecord"/> (timestamps and numeric strings parsed from their UTF-8
/// bytes, states checked without text, repeated long values shared, original text made on demand) give exactly what
/// reading the text gave.
/// </summary>
public sealed class DiagnosticRecordTests
{
    // Non-ASCII and '+' as they are (the default encoder would escape them, which takes the text path).
    private static readonly JsonSerializerOptions _unescaped = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] _timestamps =
    [
        "2025-01-07T08:00:53.6401465Z", "2025-01-07T08:00:54.390Z", "2025-01-07T08:00:51Z", "2025-01-07T08:00:51.1Z",
        "2025-01-07T08:00:51.12345678Z", "2025-01-07T08:00:51.Z", "2025-01-07T08:00:51+02:00", "2025-01-07T08:00:51.25-05:30",
        "2025-01-07T08:00:51+13:59", "2025-01-07T08:00:51+14:00", "2025-01-07T08:00:51-14:00", "2025-01-07T08:00:51+00:60",
        "2025-01-07T08:00:51", "2025-01-07T08:00:51.5", "2025-01-07 08:00:51Z", "2025-01-07t08:00:51z", "2025-01-07T08:00Z",
        "2024-02-29T23:59:59.9999999Z", "2025-02-29T00:00:00Z", "2025-04-31T00:00:00Z", "2025-13-01T00:00:00Z",
        "2025-12-31T23:59:60Z", "2025-12-31T24:00:00Z", "0001-01-01T00:00:00Z", "0001-01-01T00:30:00+01:00",
        "9999-12-31T23:59:59Z", "9999-12-31T23:59:59-01:00", "0002-01-01T00:00:00+13:00", "9998-12-31T23:59:59-13:00",
        " 2025-01-07T08:00:51Z", "2025-01-07T08:00:51Z ", "2025-1-07T08:00:51Z", "20250107T080051Z", "2025-01-07T08:00:51+0200",
        "2025-01-07T08:00:51.000000000000Z", "Redacted", "null", "-", "", "not a time",
    ];

    [Fact]
    public void IsoTimestamps_WhereItAccepts_GivesExactlyWhatTheTextParserGives_AndItAcceptsTheUsualForms()
    {
        foreach (var text in _timestamps)
        {
            if (IsoTimestamps.TryParseUtcTicks(Encoding.UTF8.GetBytes(text), out var ticks))
            {
                var fast = new DateTimeOffset(ticks, TimeSpan.Zero);
                Assert.True(DiagnosticRecord.TryParseTimestamp(text, out var slow), text);
                Assert.True(slow.EqualsExact(fast), $"{text}: {fast:O} vs {slow:O}");
            }
        }

        foreach (var usual in (string[])["2025-01-07T08:00:53.6401465Z", "2025-01-07T08:00:54.390Z", "2025-01-07T08:00:51Z", "2025-01-07T08:00:51.25-05:30"])
        {
            Assert.True(IsoTimestamps.TryParseUtcTicks(Encoding.UTF8.GetBytes(usual), out _), usual);
        }
    }

    [Fact]
    public void GetDateTime_ReadsEveryFormAsTheTextParserDoes_WithTheOriginalText()
    {
        foreach (var text in _timestamps)
        {
            using var document = JsonDocument.Parse(JsonSerializer.Serialize(new Dictionary<string, string> { ["time"] = text }, _unescaped));
            using var record = new DiagnosticRecord(document.RootElement);
            var field = record.GetDateTime("time");
            var state = DiagnosticRecord.ClassifyText(text);

            Assert.Equal(state, field.State);
            Assert.Equal(text, field.Original);
            if (state == FieldState.Present)
            {
                var parses = DiagnosticRecord.TryParseTimestamp(text.Trim(), out var expected);
                Assert.Equal(!parses, field.IsUnconvertible);
                Assert.True(!parses || expected.EqualsExact(field.Value), text);
            }
        }
    }

    [Theory]
    [InlineData("12:00:00")] // no date: was placed on the ingest day
    [InlineData("12:00")]
    [InlineData("03/04/2025 10:00")] // a culture form: was read as US month/day
    [InlineData("Tue, 07 Jan 2025 08:00:51 GMT")]
    [InlineData("2025-01-07 8:00 AM")]
    [InlineData("2025-1-07T08:00:51Z")]
    [InlineData("2025-01-07T08:00:51 Z")]
    [InlineData("2025-01-07T08:00:51 +02:00")]
    [InlineData("2025-01-07  08:00:51Z")]
    [InlineData("2025-01")]
    [InlineData("2025-01-07T08:00:51.Z")]
    [InlineData("20250107T0800:51Z")]
    [InlineData("20250107T08:00:51Z")] // basic date, extended time
    [InlineData("20250107T080051+02:00")]
    public void TryParseTimestamp_RefusesWhatIsNotAnIsoDateTime(string text)
    {
        Assert.False(DiagnosticRecord.TryParseTimestamp(text, out var value), $"{text} read as {value:O}");
    }

    [Theory]
    [InlineData("2024-01-01T00:00:00.0000000Z", "2024-01-01T00:00:00.0000000+00:00")]
    [InlineData("2024-01-01T00:00:00Z", "2024-01-01T00:00:00.0000000+00:00")]
    [InlineData(" 2025-01-07t08:00:51.25z ", "2025-01-07T08:00:51.2500000+00:00")]
    [InlineData("2025-01-07 08:00Z", "2025-01-07T08:00:00.0000000+00:00")]
    [InlineData("2025-01-07T08:00:51", "2025-01-07T08:00:51.0000000+00:00")]
    [InlineData("2025-01-07T08:00:51,5+02", "2025-01-07T06:00:51.5000000+00:00")]
    [InlineData("2025-01-07T08:00:51-0530", "2025-01-07T13:30:51.0000000+00:00")]
    [InlineData("2025-01-07T08:00:51.12345678Z", "2025-01-07T08:00:51.1234568+00:00")]
    [InlineData("2025-01-07", "2025-01-07T00:00:00.0000000+00:00")]
    [InlineData("20250605T100000Z", "2025-06-05T10:00:00.0000000+00:00")] // ISO-8601 basic format
    [InlineData("20250605T100000.1234567+0200", "2025-06-05T08:00:00.1234567+00:00")]
    [InlineData("20250605t1000-0100", "2025-06-05T11:00:00.0000000+00:00")]
    public void TryParseTimestamp_ReadsIsoDateTimes_ExtendedAndBasic(string text, string expected)
    {
        Assert.True(DiagnosticRecord.TryParseTimestamp(text, out var value), text);
        Assert.Equal(expected, value.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void GetDouble_ParsesNumbersAndNumericStrings_AndKeepsTheirTextForRawColumns()
    {
        using var document = JsonDocument.Parse("""
            {"n":29,"f":0.01004276,"s":"164","e":"3.146336E-05","w":" 12 ","neg":"-0","big":"1e400","x":"12a","esc":"\u0031\u0032",
             "r":"Redacted","d":"-","b":true,"o":{"a":1}}
            """);
        using var record = new DiagnosticRecord(document.RootElement);

        AssertNumber(record.GetDouble("n"), 29, "29");
        AssertNumber(record.GetDouble("f"), 0.01004276, "0.01004276");
        AssertNumber(record.GetDouble("s"), 164, "164");
        AssertNumber(record.GetDouble("e"), 3.146336E-05, "3.146336E-05");
        AssertNumber(record.GetDouble("w"), 12, " 12 ");
        AssertNumber(record.GetDouble("esc"), 12, "12");
        Assert.True(double.IsNegative(record.GetDouble("neg").Value));
        AssertUnconvertible(record.GetDouble("big"), "1e400");
        AssertUnconvertible(record.GetDouble("x"), "12a");
        AssertUnconvertible(record.GetDouble("b"), "true");
        AssertUnconvertible(record.GetDouble("o"), """{"a":1}""");
        Assert.Equal(FieldState.Redacted, record.GetDouble("r").State);
        Assert.Equal(FieldState.Absent, record.GetDouble("d").State);
        Assert.Equal("-", record.GetDouble("d").Original);

        var whole = record.GetInt64("s");
        Assert.Equal(164L, whole.Value);
        Assert.Equal("164", whole.Original);
        Assert.Equal("0.01004276", record.GetInt64("f").Original);
        Assert.True(record.GetInt64("f").IsUnconvertible);

        static void AssertNumber(FieldValue<double> field, double value, string original)
        {
            Assert.True(field.HasValue);
            Assert.Equal(value, field.Value);
            Assert.Equal(original, field.Original);
        }

        static void AssertUnconvertible(FieldValue<double> field, string original)
        {
            Assert.Equal(FieldState.Present, field.State);
            Assert.True(field.IsUnconvertible);
            Assert.Equal(original, field.Original);
        }
    }

    [Fact]
    public void GetState_AgreesWithGetString_ForEveryKindOfValue()
    {
        using var document = JsonDocument.Parse("""
            {"a":"x","b":"Redacted","c":" redacted ","d":"null","e":"NULL","f":"-","g":"","h":"  ","i":null,"j":1,"k":false,
             "l":{"x":1},"m":[],"n":"\u0052edacted","o":"\u00A0-\u00A0","p":"r\u00E9dacted"}
            """);
        using var record = new DiagnosticRecord(document.RootElement);
        foreach (var name in "abcdefghijklmnop".Select(c => c.ToString()).Append("missing"))
        {
            Assert.Equal(record.GetString(name).State, record.GetState(name));
        }
    }

    [Fact]
    public void LongValuesThatRepeat_AreOneInstance_WithExactlyTheirText()
    {
        var resource = "/SUBSCRIPTIONS/BA3F68FC-6F92-4D31-B8E5-9FF5B2DBCF67/RESOURCEGROUPS/RG-ACS-SYNTHETIC/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS-SYNTHETIC";
        var accented = "https://contoso.example/é/" + new string('x', 60);
        var json = JsonSerializer.Serialize(new { resourceId = resource, uri = accented, other = resource + "2" }, _unescaped);
        using var first = JsonDocument.Parse(json);
        using var second = JsonDocument.Parse(json);
        using var a = new DiagnosticRecord(first.RootElement);
        using var b = new DiagnosticRecord(second.RootElement);

        Assert.Equal(resource, a.GetString("resourceId").Value);
        Assert.Same(a.GetString("resourceId").Value, b.GetString("resourceId").Value);
        Assert.Equal(accented, a.GetString("uri").Value);
        Assert.Same(a.GetString("uri").Value, b.GetString("uri").Value);
        Assert.Equal(resource + "2", b.GetString("other").Value);
        Assert.Equal(resource, b.GetString("resourceId").Value);
    }

    [Fact]
    public void Lookups_FindWhatTheStaticLookupFinds_InRandomRecordsWithManyMembers()
    {
        // Short names from a small alphabet in random case (many duplicates and hash neighbours), some escaped or
        // non-ASCII; null values; records with and without properties.
        var random = new Random(18);
        string[] parts = ["a", "B", "id", "Id", "\\u0061", "\u00e9", "\u212A", "x", "Time", "time", "s"];
        for (var n = 0; n < 200; n++)
        {
            var members = new List<string>();
            var names = new List<string>();
            for (var level = 0; level < 2; level++)
            {
                var list = new List<string>();
                for (var i = random.Next(0, 30); i > 0; i--)
                {
                    var name = parts[random.Next(parts.Length)] + parts[random.Next(parts.Length)];
                    list.Add($"\"{name}\":{(random.Next(6) == 0 ? "null" : i.ToString(System.Globalization.CultureInfo.InvariantCulture))}");
                    names.Add(JsonSerializer.Deserialize<string>($"\"{name}\"")!);
                }

                if (level == 0)
                {
                    members.AddRange(list);
                }
                else if (random.Next(4) > 0)
                {
                    members.Add($"\"properties\":{{{string.Join(',', list)}}}");
                }
            }

            using var document = JsonDocument.Parse("{" + string.Join(',', members) + "}");
            using var record = new DiagnosticRecord(document.RootElement);
            DiagnosticRecord.TryGetProperty(document.RootElement, "properties", out var properties);
            foreach (var name in names.Concat(["AID", "é", "É", "k", "missing", "properties"]))
            {
                var found = (DiagnosticRecord.TryGetProperty(document.RootElement, name, out var expected) && expected.ValueKind != JsonValueKind.Null) ||
                    (properties.ValueKind == JsonValueKind.Object && DiagnosticRecord.TryGetProperty(properties, name, out expected) && expected.ValueKind != JsonValueKind.Null);
                Assert.Equal(found, record.TryGetRaw(out var actual, name));
                Assert.Equal(found ? expected.GetRawText() : null, found ? actual.GetRawText() : null);
            }
        }
    }
}
