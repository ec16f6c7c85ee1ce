using System.Text;
using AcsFunctions.Decoding;
using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Reliability;

/// <summary>
/// The bad-input corpus: malformed bodies, hostile structure, encoding damage, out-of-range values, absurd sizes.
/// Each case is one batch; see <see cref="BadInputCase"/> for what is asserted.
/// </summary>
public static class BadInputCorpus
{
    private const string Time = "2025-03-04T10:15:02.4410000Z";
    private const string Resource = "/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/RG-RELIABILITY/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS-RELIABILITY";
    private static readonly byte[] _bom = [0xEF, 0xBB, 0xBF];

    private static readonly Lazy<IReadOnlyDictionary<string, BadInputCase>> _cases = new(() => Build().ToDictionary(c => c.Name, StringComparer.Ordinal));

    /// <summary>Every case, by name.</summary>
    public static IReadOnlyDictionary<string, BadInputCase> Cases => _cases.Value;

    /// <summary>The case names, for <c>[MemberData]</c>.</summary>
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var name in Cases.Keys.Order(StringComparer.Ordinal))
        {
            data.Add(name);
        }

        return data;
    }

    /// <summary>A valid ChatOperational record with its own correlation id; <paramref name="extra"/> is spliced into the object.</summary>
    public static string Record(string id, string? extra = null, string time = Time, string category = "ChatOperational") =>
        $$$"""{"time":"{{{time}}}","resourceId":"{{{Resource}}}","category":"{{{category}}}","operationName":"SendChatMessage","operationVersion":"2024-03-07","correlationId":"{{{id}}}","resultType":"Succeeded","resultSignature":"201","durationMs":48,"level":"Informational"{{{(extra is null ? string.Empty : "," + extra)}}},"properties":{"SdkType":"azsdk-net-Communication.Chat"}}""";

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Body(params string[] records) => Utf8("{\"records\":[" + string.Join(",", records) + "]}");

    private static Dictionary<string, int> Dead(string reason, int count = 1) => new() { [reason] = count };

    private static BadInputCase Stored(string name, int stored, params byte[][] bodies) =>
        new(name, bodies) { Units = stored, DeadByReason = new Dictionary<string, int>() };

    private static BadInputCase Rejected(string name, string reason, params byte[][] bodies) =>
        new(name, bodies) { Units = 1, DeadByReason = Dead(reason) };

    private static IEnumerable<BadInputCase> Build()
    {
        // The two seed records exactly as published (both are not valid JSON).
        yield return Rejected("seed-bad-call-client-as-published", DeadLetterReasons.InvalidJson, Samples.Bytes("bad/bad-call-client-as-published.json"));
        yield return Rejected("seed-bad-missing-comma-as-published", DeadLetterReasons.InvalidJson, Samples.Bytes("bad/bad-missing-comma-as-published.json"));

        // Bodies that hold no record container at all.
        yield return Rejected("empty-body", DeadLetterReasons.EmptyBody, Array.Empty<byte>());
        yield return Rejected("whitespace-only-body", DeadLetterReasons.EmptyBody, Utf8("  \r\n\t  \n "));
        yield return Rejected("bom-only-body", DeadLetterReasons.EmptyBody, _bom);
        yield return Rejected("json-null-body", DeadLetterReasons.UnsupportedShape, Utf8("null"));
        yield return Rejected("json-number-body", DeadLetterReasons.UnsupportedShape, Utf8("42"));
        yield return Rejected("json-string-body", DeadLetterReasons.UnsupportedShape, Utf8("\"records\""));
        yield return Rejected("json-true-body", DeadLetterReasons.UnsupportedShape, Utf8("true"));
        yield return Rejected("records-null", DeadLetterReasons.RecordsNotArray, Utf8("{\"records\":null}"));
        yield return Rejected("records-object", DeadLetterReasons.RecordsNotArray, Utf8("{\"records\":" + Record("records-object") + "}"));
        yield return Rejected("records-string", DeadLetterReasons.RecordsNotArray, Utf8("{\"records\":\"[]\"}"));
        yield return Stored("records-empty-array", 0, Utf8("{\"records\":[]}"));
        yield return Stored("top-level-empty-array", 0, Utf8("[]"));
        yield return Stored("records-key-upper-case", 2, Utf8("{\"RECORDS\":[" + Record("upper-1") + "," + Record("upper-2") + "]}"));

        // Broken JSON.
        var three = Body(Record("trunc-1"), Record("trunc-2"), Record("trunc-3"));
        yield return Rejected("truncated-body", DeadLetterReasons.InvalidJson, three[..(three.Length / 2)]);
        yield return Rejected("trailing-garbage", DeadLetterReasons.InvalidJson, [.. Body(Record("trail-1")), .. " }{ garbage"u8]);
        yield return Rejected("unescaped-quote-in-string", DeadLetterReasons.InvalidJson, Utf8(Record("quote").Replace("azsdk-net", "azsdk \"net\"", StringComparison.Ordinal)));
        yield return Rejected("single-quoted-json", DeadLetterReasons.InvalidJson, Utf8("{'records':[{'time':'" + Time + "'}]}"));
        yield return Rejected("deep-nesting-10000-arrays", DeadLetterReasons.InvalidJson, Utf8(new string('[', 10_000) + new string(']', 10_000)));
        yield return Rejected("deep-nesting-inside-record", DeadLetterReasons.InvalidJson, Body(Record("deep", "\"payload\":" + Nested(200))));
        yield return Stored("nesting-within-the-limit", 1, Body(Record("nested-ok", "\"payload\":" + Nested(40))));

        // Encoding damage.
        var random = new Random(6);
        var junk = new byte[10 * 1024 * 1024];
        random.NextBytes(junk);
        junk.AsSpan().Replace((byte)'\n', (byte)'x');
        yield return new BadInputCase("junk-10mb-binary", [junk]) { Units = 1, DeadByReason = Dead(DeadLetterReasons.InvalidUtf8), PayloadInBlob = true };
        var text = new byte[10 * 1024 * 1024];
        for (var i = 0; i < text.Length; i++)
        {
            text[i] = (byte)('!' + random.Next(90));
        }

        yield return new BadInputCase("junk-10mb-text", [text]) { Units = 1, DeadByReason = Dead(DeadLetterReasons.InvalidJson), PayloadInBlob = true };
        var clean = Body(Record("utf8-1"), Record("utf8-2"), Record("utf8-3"));
        var middle = Encoding.UTF8.GetString(clean).IndexOf("utf8-2", StringComparison.Ordinal) + 2;
        yield return Rejected("invalid-utf8-mid-record", DeadLetterReasons.InvalidUtf8, [.. clean[..middle], 0xFF, 0xFE, .. clean[middle..]]);
        yield return new BadInputCase("invalid-utf8-one-ndjson-line", [[.. Utf8(Record("line-1") + "\n"), .. Utf8(Record("line-2"))[..40], 0xC3, 0x28, .. Utf8(Record("line-2"))[40..], (byte)'\n', .. Utf8(Record("line-3") + "\n")]])
        {
            Units = 3,
            DeadByReason = Dead(DeadLetterReasons.InvalidUtf8),
        };
        yield return Rejected("overlong-utf8-sequence", DeadLetterReasons.InvalidUtf8, [.. Utf8(Record("overlong"))[..60], 0xC0, 0xAF, .. Utf8(Record("overlong"))[60..]]);
        yield return Rejected("utf16-body", DeadLetterReasons.InvalidUtf8, [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(Body(Record("utf16"))))]);
        yield return Stored("utf8-bom-then-body", 1, [.. _bom, .. Body(Record("bom"))]);
        yield return new BadInputCase("lone-surrogate-in-correlation-id", [Body(Record("\\ud800lone"))]) { Units = 1 };
        yield return new BadInputCase("lone-surrogate-in-category", [Body(Record("surrogate-category", category: "Chat\\udc00Operational"))]) { Units = 1 };
        yield return Stored("escaped-nul-and-control-chars-in-ids", 1, Body(Record("ctl-\\u0000\\u0001\\u001f\\u007f-id")));

        // Duplicate keys.
        yield return new BadInputCase("duplicate-time-keys", [Body(Record("dup-time", "\"time\":\"not a time\""))]) { Units = 1 };
        yield return new BadInputCase("duplicate-category-keys", [Body(Record("dup-category", "\"category\":\"SMSOperational\""))]) { Units = 1, DeadByReason = new Dictionary<string, int>() };
        yield return Stored("duplicate-records-keys", 2, Utf8("{\"records\":[" + Record("dup-records-1") + "],\"records\":[" + Record("dup-records-2") + "]}"));

        // Numbers and times out of range.
        yield return Stored("number-overflow-1e400", 1, Body(Record("overflow").Replace("\"durationMs\":48", "\"durationMs\":1e400", StringComparison.Ordinal)));
        yield return Stored("number-5000-digits", 1, Body(Record("digits").Replace("\"durationMs\":48", "\"durationMs\":" + new string('9', 5000), StringComparison.Ordinal)));
        yield return Stored("number-specials-as-strings", 1, Body(Record("specials", "\"count\":\"NaN\",\"total\":\"-Infinity\",\"minimum\":-0").Replace("\"durationMs\":48", "\"durationMs\":\"Infinity\"", StringComparison.Ordinal)));
        yield return Stored("status-code-out-of-range", 1, Body(Record("status").Replace("\"201\"", "99999999999999999999", StringComparison.Ordinal)));
        // Issue 15 (finding 5): year 9999 was stored but no query could reach it; the accepted event times are now one
        // range for ingest and queries (EventTimeRange, up to 9999-01-01 exclusive), so it is dead-lettered like year 1.
        yield return Rejected("time-max-value", DeadLetterReasons.TimeOutOfRange, Body(Record("time-max", time: "9999-12-31T23:59:59.9999999Z")));
        yield return Rejected("time-year-9999", DeadLetterReasons.TimeOutOfRange, Body(Record("time-9999", time: "9999-01-01T00:00:00Z")));
        yield return Stored("time-last-accepted", 1, Body(Record("time-9998", time: "9998-12-31T23:59:59Z")));
        yield return Rejected("time-min-value", DeadLetterReasons.TimeOutOfRange, Body(Record("time-min", time: "0001-01-01T00:00:00Z")));
        yield return Rejected("time-before-1601", DeadLetterReasons.TimeOutOfRange, Body(Record("time-1600", time: "1600-12-31T23:59:59Z")));
        yield return Rejected("time-as-number", DeadLetterReasons.InvalidTime, Body(Record("time-number").Replace("\"time\":\"" + Time + "\"", "\"time\":1741083302", StringComparison.Ordinal)));
        yield return Rejected("time-garbage", DeadLetterReasons.InvalidTime, Body(Record("time-garbage", time: "yesterday at noon")));
        yield return Rejected("time-missing", DeadLetterReasons.InvalidTime, Body(Record("time-missing").Replace("\"time\":\"" + Time + "\",", string.Empty, StringComparison.Ordinal)));
        yield return Stored("time-with-plus-14-offset", 1, Body(Record("time-offset", time: "2025-03-04T23:30:00+14:00")));
        // A time with no date was placed on the ingest day (stored again on every other day), a culture form read as
        // US month/day: not ISO-8601, so invalid-time. The ISO-8601 basic format is a time.
        yield return Rejected("time-without-date", DeadLetterReasons.InvalidTime, Body(Record("time-no-date", time: "12:00:00")));
        yield return Rejected("time-culture-form", DeadLetterReasons.InvalidTime, Body(Record("time-culture", time: "03/04/2025 10:00")));
        yield return Stored("time-iso-basic-format", 1, Body(Record("time-basic", time: "20250605T100000Z")));

        // Huge arrays and wrong element types.
        yield return new BadInputCase("huge-array-of-empty-records", [Utf8("{\"records\":[" + string.Join(",", Enumerable.Repeat("{}", 100_000)) + "]}")])
        {
            Units = 100_000,
            DeadByReason = Dead(DeadLetterReasons.MissingCategory, 100_000),
            DeadRows = 1, // identical payloads collapse into one row: re-delivery stays idempotent
        };
        yield return new BadInputCase("huge-array-of-empty-arrays", [Utf8("[" + string.Join(",", Enumerable.Repeat("[]", 50_000)) + "]")])
        {
            Units = 50_000,
            DeadByReason = Dead(DeadLetterReasons.NotAnObject, 50_000),
            DeadRows = 1,
        };
        yield return new BadInputCase("primitives-among-records", [Body(Record("prim-1"), "1", "\"two\"", "null", "true", Record("prim-2"))])
        {
            Units = 6,
            DeadByReason = Dead(DeadLetterReasons.NotAnObject, 4),
        };
        yield return Rejected("category-empty-string", DeadLetterReasons.MissingCategory, Body(Record("category-empty", category: string.Empty)));
        yield return Stored("category-as-number", 1, Body(Record("category-number").Replace("\"category\":\"ChatOperational\"", "\"category\":42", StringComparison.Ordinal)));
        yield return Stored("category-10000-chars", 1, Body(Record("category-long", category: new string('C', 10_000))));
        yield return Stored("category-with-forbidden-key-chars", 1, Body(Record("category-chars", category: "Chat/Op#er?at\\\\ion%")));
        yield return Stored("resource-id-slashes-only", 1, Body(Record("resource-slashes").Replace(Resource, "////", StringComparison.Ordinal)));
        yield return Stored("resource-id-5000-chars", 1, Body(Record("resource-long").Replace(Resource, "/SUBSCRIPTIONS/" + new string('A', 5000), StringComparison.Ordinal)));

        // Size and shape extremes inside a record.
        yield return new BadInputCase("record-with-2mb-string", [Body(Record("big-string", "\"blob\":\"" + new string('z', 2 * 1024 * 1024) + "\""))])
        {
            Units = 1,
            DeadByReason = new Dictionary<string, int>(),
        };
        yield return new BadInputCase("record-with-incompressible-2mb-string", [Body(Record("big-random", "\"blob\":\"" + Convert.ToBase64String(RandomBytes(random, 1_600_000)) + "\""))])
        {
            Units = 1,
            DeadByReason = new Dictionary<string, int>(),
            PayloadInBlob = true,
        };
        yield return new BadInputCase("record-900kb-round-trips", [Body(Record("big-900kb", "\"blob\":\"" + Convert.ToBase64String(RandomBytes(random, 675_000)) + "\""))])
        {
            Units = 1,
            DeadByReason = new Dictionary<string, int>(),
            RoundTrip = true,
        };
        yield return Stored("record-with-300-properties", 1, Body(Record("wide-300", string.Join(",", Enumerable.Range(0, 300).Select(i => $"\"p{i}\":\"v{i}\"")))));
        yield return Rejected("record-without-category", DeadLetterReasons.MissingCategory, Body(Record("no-category").Replace("\"category\":\"ChatOperational\",", string.Empty, StringComparison.Ordinal)));
        yield return Stored("wrong-types-everywhere", 1, Body(Record("wrong-types").Replace("\"durationMs\":48", "\"durationMs\":{\"ms\":48}", StringComparison.Ordinal).Replace("\"resultSignature\":\"201\"", "\"resultSignature\":[201]", StringComparison.Ordinal).Replace("\"level\":\"Informational\"", "\"level\":false", StringComparison.Ordinal)));
        yield return Stored("record-with-1000-properties", 1, Body(Record("wide", string.Join(",", Enumerable.Range(0, 1000).Select(i => $"\"p{i}\":{i}")))));
        yield return Stored("record-with-100k-char-key", 1, Body(Record("long-key", "\"" + new string('k', 100_000) + "\":1")));
        yield return Stored("properties-broken-json-string", 1, Body(Record("props-string").Replace("\"properties\":{\"SdkType\":\"azsdk-net-Communication.Chat\"}", "\"properties\":\"{not json\"", StringComparison.Ordinal)));
        yield return Stored("properties-array", 1, Body(Record("props-array").Replace("\"properties\":{\"SdkType\":\"azsdk-net-Communication.Chat\"}", "\"properties\":[1,2,3]", StringComparison.Ordinal)));

        // NDJSON damage.
        yield return new BadInputCase("ndjson-crlf-blank-lines-and-a-bad-line", [Utf8(Record("nd-1") + "\r\n\r\n" + Record("nd-2") + "\n{\"time\":\n" + Record("nd-3") + "\r\n")])
        {
            Units = 4,
            DeadByReason = Dead(DeadLetterReasons.InvalidJson),
        };
        yield return Rejected("ndjson-every-line-broken", DeadLetterReasons.InvalidJson, Utf8("{bad\n{worse\n[\n"));
        yield return Stored("platform-metric-record", 1, Utf8("{\"records\":[{\"count\":12,\"total\":12,\"minimum\":1,\"maximum\":1,\"average\":1,\"resourceId\":\"" + Resource + "\",\"time\":\"" + Time + "\",\"metricName\":\"APIRequestChat\",\"timeGrain\":\"PT1M\"}]}"));

        // Repetition inside one batch.
        var twice = Body(Record("twice-1"), Record("twice-2"));
        yield return new BadInputCase("same-body-twice-in-one-batch", [twice, twice]) { Units = 4, DeadByReason = new Dictionary<string, int>(), StoredRows = 2 };
        yield return new BadInputCase("same-record-twice-in-one-body", [Body(Record("same"), Record("same"))]) { Units = 2, DeadByReason = new Dictionary<string, int>(), StoredRows = 1 };
    }

    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
