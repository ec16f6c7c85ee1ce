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
    private const int SmallShapes = 96;
    private const int SmallBytes = 2048;

    private static readonly ResourceRef _resource = ResourceRef.Parse(null);
    private static readonly string[] _mixedValues = ["null", "\"x\"", "1", "\"2\"", "true", "{}"];

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

        var shape = shapes.Of("c", new DiagnosticRecord(first.RootElement));

        Assert.Same(shape, shapes.Of("c", new DiagnosticRecord(same.RootElement)));
        Assert.NotSame(shape, shapes.Of("c", new DiagnosticRecord(kind.RootElement)));
        Assert.NotSame(shape, shapes.Of("c", new DiagnosticRecord(level.RootElement)));
        Assert.Equal(["ab", "properties.c"], shape!.Entries.Select(e => e.Path));
    }

    [Fact]
    public void ACategoryWithVeryManyShapes_IsCountedMemberByMember_ExactlyAsBefore()
    {
        var shapes = new RecordShapes(RecordShapes.MaxHeldBytes, maxShapesPerCategory: 8);
        var byShape = new CategoryObservation("wild", "p", shapes);
        var byMember = new CategoryObservation("wild", "p");
        var calm = new CategoryObservation("calm", "p", shapes);
        for (var i = 0; i < 40; i++)
        {
            // Every wild record has a name of its own (and a kind that changes); calm records share one shape.
            var wild = i % 3 == 0 ? """{"a":1,"b":"x","properties":{"c":"12"}}""" : "{\"a\":1,\"n" + i + "\":" + (i % 2 == 0 ? "\"s\"" : "2") + ",\"properties\":{\"c\":\"12\",\"m" + (i % 5) + "\":true}}";
            using var document = JsonDocument.Parse(wild);
            using var record = new DiagnosticRecord(document.RootElement);
            var context = Context(record, "wild", i);
            byMember.See(context);
            byShape.See(context);

            using var calmDocument = JsonDocument.Parse("""{"a":1,"b":"x","properties":{"c":"12"}}""");
            using var calmRecord = new DiagnosticRecord(calmDocument.RootElement);
            calm.See(Context(calmRecord, "calm", i));
        }

        Assert.Equal(Describe(byMember), Describe(byShape));
        using var fresh = JsonDocument.Parse("""{"a":1,"b":"x","properties":{"c":"12"}}""");
        using var freshRecord = new DiagnosticRecord(fresh.RootElement);
        Assert.Null(shapes.Of("wild", freshRecord));
        Assert.NotNull(shapes.Of("calm", freshRecord));
        Assert.Equal(40, calm.Records);
    }

    [Fact]
    public void ACategoryWithAFewNameSets_IsNotSentMemberByMember_ByEmptyingsOthersCause()
    {
        // Each time other categories fill the set it is emptied and "steady" makes its four name sets again: only more
        // than maxShapesPerCategory name sets at once means names that keep changing.
        var shapes = new RecordShapes(RecordShapes.MaxHeldBytes, maxShapesPerCategory: 8, maxShapes: 64);
        var steady = shapes.For("steady");
        var filler = 0;
        for (var round = 0; round < 6; round++)
        {
            for (var n = 0; n < 4; n++)
            {
                using var document = JsonDocument.Parse("{\"a" + n + "\":1,\"properties\":{\"c\":\"x\"}}");
                Assert.NotNull(steady.Of(new DiagnosticRecord(document.RootElement), hint: null));
            }

            for (var generation = shapes.Generation; shapes.Generation == generation; filler++)
            {
                using var document = JsonDocument.Parse("{\"f" + filler + "\":1}");
                Assert.NotNull(shapes.Of("fill" + filler, new DiagnosticRecord(document.RootElement)));
            }
        }

        Assert.Equal(6, shapes.Generation);
        Assert.False(steady.ByMember);
    }

    [Fact]
    public void HeldSignatureBytes_StayUnderTheCap_AndShapesAreStillFound()
    {
        const int cap = 4096;
        var shapes = new RecordShapes(cap, RecordShapes.MaxShapesPerCategory);
        var last = 0L;
        for (var i = 0; i < 300; i++)
        {
            using var document = JsonDocument.Parse("{\"" + new string('a', 40) + i + "\":1,\"" + new string('b', 40) + "\":\"x\",\"properties\":{\"c\":\"12\"}}");
            using var record = new DiagnosticRecord(document.RootElement);
            var shape = shapes.Of("c" + (i % 7), record);
            Assert.NotNull(shape);
            Assert.Same(shape, shapes.Of("c" + (i % 7), record));
            Assert.InRange(shapes.HeldBytes, 1, cap);
            last = Math.Max(last, shapes.HeldBytes);
        }

        Assert.True(last > cap / 2, $"the cap was never approached ({last} bytes)");
    }

    [Fact]
    public void UnderSmallBounds_WhatTheSetCountsIsWhatItHolds_NoCategoryPassesItsShare_AndCountsAreMemberByMember()
    {
        // Sixteen categories on one set small enough to be emptied, to start kinds again and to send categories member
        // by member (see Mixed).
        var shapes = new RecordShapes(SmallBytes, maxShapesPerCategory: 64, SmallShapes, maxKindsPerNames: 8);
        var random = new Random(18);
        var byShape = new Dictionary<string, CategoryObservation>();
        var byMember = new Dictionary<string, CategoryObservation>();
        for (var i = 0; i < 8_000; i++)
        {
            SeeMixed(random, i, shapes, byShape, byMember);
            Assert.Equal(shapes.Tally(), (shapes.Count, shapes.HeldBytes));
            Assert.InRange(shapes.Count, 0, SmallShapes);
            Assert.InRange(shapes.HeldBytes, 0, SmallBytes);

            // One add may take a category past its share (it is counted member by member from then on), never further.
            Assert.All(byShape.Keys, c => Assert.InRange(shapes.For(c).HeldShapes, 0, (SmallShapes / RecordShapes.CategoryShare) + 2));
        }

        foreach (var (category, observation) in byMember)
        {
            Assert.Equal(Describe(observation), Describe(byShape[category]));
        }

        Assert.True(shapes.Generation > 0, "the set was never emptied");
        Assert.True(shapes.For("c12").ByMember);
        Assert.Contains(Enumerable.Range(0, 12), c => !shapes.For("c" + c).ByMember);
    }

    [Fact]
    public void TwoThreadsOnOneSet_EachCountsExactlyAsMemberByMember_AndTheBoundsHold()
    {
        // Preparing threads share the set (lock-free): shapes made, emptied, started again and categories switched to
        // member by member under each other's feet must not change what either counts.
        var shapes = new RecordShapes(SmallBytes, maxShapesPerCategory: 64, SmallShapes, maxKindsPerNames: 8);
        using var start = new Barrier(2);
        var results = new (Dictionary<string, CategoryObservation> ByShape, Dictionary<string, CategoryObservation> ByMember)[2];
        var threads = Enumerable.Range(0, 2).Select(t => new Thread(() =>
        {
            var random = new Random(18 + t);
            var byShape = new Dictionary<string, CategoryObservation>();
            var byMember = new Dictionary<string, CategoryObservation>();
            start.SignalAndWait();
            for (var i = 0; i < 8_000; i++)
            {
                SeeMixed(random, i, shapes, byShape, byMember);
            }

            results[t] = (byShape, byMember);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        foreach (var (byShape, byMember) in results)
        {
            Assert.Equal(16, byMember.Count);
            foreach (var (category, observation) in byMember)
            {
                Assert.Equal(Describe(observation), Describe(byShape[category]));
            }
        }

        // An add that would pass a bound empties the set first, so what is counted never ends above it (a thread giving
        // back shapes while another empties the set may leave the counts a little low until the next emptying).
        Assert.True(shapes.Count <= SmallShapes, $"{shapes.Count} shapes counted");
        Assert.True(shapes.HeldBytes <= SmallBytes, $"{shapes.HeldBytes} bytes counted");
        Assert.True(shapes.Generation > 0, "the set was never emptied");
    }

    internal static RecordContext Context(DiagnosticRecord record, string category, int i) => new()
    {
        Record = record,
        Category = category,
        RawCategory = category,
        Time = DateTimeOffset.UnixEpoch.AddSeconds(i % 97),
        Resource = _resource,
        Lineage = Lineage.None,
        RecordId = "r" + i,
    };

    /// <summary>
    /// One record of a mixed stream, seen both ways: categories c0..c11 keep to two name sets and few kinds; c12..c15
    /// roam over forty name sets and every kind, and c12 has 40 % of the records (alone, it would hold most of a small set).
    /// </summary>
    private static void SeeMixed(Random random, int i, RecordShapes shapes, Dictionary<string, CategoryObservation> byShape, Dictionary<string, CategoryObservation> byMember)
    {
        var c = random.Next(10) < 4 ? 12 : random.Next(16);
        var category = "c" + c;
        var names = c < 12 ? random.Next(2) : random.Next(40);
        string Value() => _mixedValues[c < 12 ? random.Next(2) : random.Next(_mixedValues.Length)];
        var json = "{\"a" + names + "\":" + Value() + ",\"b\":" + Value() + ",\"properties\":{\"c" + (names % 3) + "\":" + Value() + ",\"d\":" + Value() + "}}";
        using var document = JsonDocument.Parse(json);
        using var record = new DiagnosticRecord(document.RootElement);
        var context = Context(record, category, i);
        (byMember.TryGetValue(category, out var member) ? member : byMember[category] = new CategoryObservation(category, "p")).See(context);
        (byShape.TryGetValue(category, out var shape) ? shape : byShape[category] = new CategoryObservation(category, "p", shapes)).See(context);
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
