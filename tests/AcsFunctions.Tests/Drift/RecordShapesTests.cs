using System.Text.Json;
using AcsFunctions.Decoding;
using AcsFunctions.Dispatch;
using AcsFunctions.Drift;
using AcsFunctions.Generation;
using AcsFunctions.Records;

namespace AcsFunctions.Tests.Drift;

/// <summary>
/// Drift counts a record of a shape it has met as one more of that shape (<see cref="RecordShapes"/>); what it reports
/// must be exactly what counting every member of every record reports.
/// </summary>
public sealed class RecordShapesTests
{
    private static readonly ResourceRef _resource = ResourceRef.Parse(null);

    [Fact]
    public void ByShape_CountsExactlyAsMemberByMember_OnAGeneratedStreamAndOddRecords()
    {
        var options = new GeneratorOptions { Calls = 20, ApiRequests = 600, Emails = 20, Minutes = 30, Seed = 11, MaxRecordsPerBody = 25 };
        var json = SyntheticStream.Create(options).Bodies()
            .SelectMany(b => BodyDecoder.Decode(new EventBody(b.Data, Lineage.None)).Items)
            .Where(i => i.DeadLetter is null)
            .Select(i => i.Record.GetRawText())
            .ToList();
        Assert.True(json.Count > 500);

        // Kinds that change between records of one field, duplicate names in other casings, "Properties" capitalised,
        // properties as a JSON string, escaped and long names, a name that cannot be decoded (lone surrogate).
        string[] odd =
        [
            """{"a":1,"b":"x","properties":{"c":"12","d":true}}""",
            """{"a":"1","b":"","properties":{"c":"12","d":"true"}}""",
            """{"a":1,"b":"x","properties":{"c":"12","d":true}}""",
            """{"a":1,"A":2,"b":null,"Properties":{"c":12,"C":"x"}}""",
            """{"a":1,"A":2,"b":null,"Properties":{"c":12,"C":"x"}}""",
            """{"a":[1],"properties":"{\"c\":1,\"e\":{}}"}""",
            """{"a":[1],"properties":"{\"c\":1,\"e\":{}}"}""",
            """{"\u0061":1,"b":"Infinity","properties":{"c":"-NaN","d":" 1e3 "}}""",
            """{"\u0061":1,"b":"Infinity","properties":{"c":"-NaN","d":" 1e3 "}}""",
            "{\"" + new string('n', 300) + "\":1,\"b\":\"x\"}",
            "{\"" + new string('n', 300) + "\":1,\"b\":\"x\"}",
            """{"a":1,"b":"x"}""",
            """{"a":1,"b":2,"properties":{"c":1,"\uD800":"x","d":2}}""",
            """{"a":1,"b":"x","properties":{"c":"12","d":true}}""",
        ];
        // A record too wide for a signature (counted member by member) between records counted by shape.
        var wide = "{\"a\":\"x\",\"late\":1," + string.Join(',', Enumerable.Range(0, 1_200).Select(i => $"\"member{i:D5}\":{i}")) + "}";
        var all = json.Take(300).Concat(odd).Append(wide).Concat(odd).Concat(json).Append(wide).Concat(json.Take(200)).ToList();

        var byShape = new CategoryObservation("c", "p", new RecordShapes());
        var byMember = new CategoryObservation("c", "p");
        for (var i = 0; i < all.Count; i++)
        {
            using var document = JsonDocument.Parse(all[i]);
            using var record = new DiagnosticRecord(document.RootElement);
            var context = new RecordContext
            {
                Record = record,
                Category = "c",
                RawCategory = "c",
                Time = DateTimeOffset.UnixEpoch.AddSeconds(i % 97),
                Resource = _resource,
                Lineage = Lineage.None,
                RecordId = "r" + i,
            };
            Assert.Equal(See(byMember, context), See(byShape, context));
        }

        Assert.Equal(Describe(byMember), Describe(byShape));
        Assert.Contains(byShape.Fields, f => f.Count > 100);
        Assert.Equal(byMember.Find("properties.C")?.Count, byShape.Find("PROPERTIES.c")?.Count);
    }

    [Fact]
    public void Shapes_AreFoundByTheirBytes_NotTheirHash()
    {
        var shapes = new RecordShapes();
        using var first = JsonDocument.Parse("""{"ab":1,"properties":{"c":"x"}}""");
        using var same = JsonDocument.Parse("""{"ab":2,"properties":{"c":"y"}}""");
        using var kind = JsonDocument.Parse("""{"ab":"2","properties":{"c":"y"}}""");
        using var level = JsonDocument.Parse("""{"ab":1,"c":"x"}""");

        var shape = shapes.Of(new DiagnosticRecord(first.RootElement));

        Assert.Same(shape, shapes.Of(new DiagnosticRecord(same.RootElement)));
        Assert.NotSame(shape, shapes.Of(new DiagnosticRecord(kind.RootElement)));
        Assert.NotSame(shape, shapes.Of(new DiagnosticRecord(level.RootElement)));
        Assert.Equal(["ab", "properties.c"], shape!.Entries.Select(e => e.Path));
    }

    private static string? See(CategoryObservation observation, RecordContext context)
    {
        try
        {
            observation.See(context);
            return null;
        }
        catch (InvalidOperationException ex)
        {
            return ex.GetType().Name;
        }
    }

    private static string Describe(CategoryObservation observation) =>
        $"{observation.Records} {observation.First} {observation.Last}\n" + string.Join('\n', observation.Fields.Select(f =>
            $"{f.Path} {f.Kinds} {f.Count} {f.LastRecord} [{string.Join(',', f.KindCounts.ToArray())}] "
            + string.Join(',', Enum.GetValues<ValueKinds>().Select(k => f.ExampleOf(k)))));
}
