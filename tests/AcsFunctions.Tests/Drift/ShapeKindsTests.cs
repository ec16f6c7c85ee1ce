using System.Globalization;
using System.Text.Json;
using AcsFunctions.Drift;
using AcsFunctions.Records;

namespace AcsFunctions.Tests.Drift;

/// <summary>
/// A shape is found by its member names, then by its values' kinds, trying the caller's previous shape first
/// (<see cref="RecordShapes"/>): each shortcut must still tell apart what differs, and count exactly as counting
/// every member of every record does.
/// </summary>
public sealed class ShapeKindsTests
{
    private static readonly string[] _values = ["null", "\"x\"", "1", "\"2\"", "true", "\"false\"", "{}", "[]"];

    [Fact]
    public void ThePreviousShape_IsTakenOnlyForTheSameNamesAndKinds()
    {
        var shapes = new RecordShapes().For("c");
        var first = Shape(shapes, """{"ab":1,"properties":{"c":"x"}}""", hint: null);

        // Same names and kinds: the hint itself.
        Assert.Same(first, Shape(shapes, """{"ab":2,"properties":{"c":"y"}}""", first));

        // Same names, other kinds (a numeric string, a boolean string, no value): other shapes of the same names.
        var numeric = Shape(shapes, """{"ab":"2","properties":{"c":"y"}}""", first);
        var boolean = Shape(shapes, """{"ab":1,"properties":{"c":"true"}}""", first);
        var none = Shape(shapes, """{"ab":1,"properties":{"c":null}}""", first);
        Assert.All(new[] { numeric, boolean, none }, s => Assert.NotSame(first, s));
        Assert.All(new[] { numeric, boolean, none }, s => Assert.Same(first!.Names, s!.Names));
        Assert.Equal([ValueKinds.NumericString, ValueKinds.String], numeric!.Entries.Select(e => e.Kind));
        Assert.Equal([ValueKinds.Number, ValueKinds.BooleanString], boolean!.Entries.Select(e => e.Kind));
        Assert.Equal([ValueKinds.Number, ValueKinds.None], none!.Entries.Select(e => e.Kind));

        // Same kinds and signature length, other names (swapped letters, another level, another casing): other names.
        foreach (var json in new[] { """{"ba":1,"properties":{"c":"x"}}""", """{"ab":1,"c":"x"}""", """{"AB":1,"properties":{"c":"x"}}""" })
        {
            var other = Shape(shapes, json, first);
            Assert.NotSame(first!.Names, other!.Names);
        }

        // The same shape again, from any hint, is the one met first.
        Assert.Same(numeric, Shape(shapes, """{"ab":"7","properties":{"c":"z"}}""", boolean));
        Assert.Same(first, Shape(shapes, """{"ab":3,"properties":{"c":"w"}}""", none));
    }

    [Fact]
    public void ValuesWhoseKindsKeepChanging_AreCountedByShapeExactlyAsMemberByMember_PastEveryBound()
    {
        // One set of names, more combinations of kinds than one name shape keeps (it starts its kinds again): every
        // record of the category is counted by shape — the category is never sent member by member (that switch is
        // for good, so it being off at the end means it never happened) — and still counts as member by member does.
        var shapes = new RecordShapes();
        var byShape = new CategoryObservation("kinds", "p", shapes);
        var byMember = new CategoryObservation("kinds", "p");
        var random = new Random(18);
        var combinations = RecordShapes.MaxKindsPerNames + 300;
        for (var i = 0; i < combinations * 2; i++)
        {
            // The first pass makes each combination once (in order); the second repeats them at random.
            var n = i < combinations ? i : random.Next(combinations);
            var json = string.Create(
                CultureInfo.InvariantCulture,
                $$$"""{"a":{{{_values[n % 8]}}},"b":{{{_values[n / 8 % 8]}}},"properties":{"c":{{{_values[n / 64 % 8]}}},"d":{{{_values[n / 512 % 8]}}}}}""");
            using var document = JsonDocument.Parse(json);
            using var record = new DiagnosticRecord(document.RootElement);
            var context = RecordShapesTests.Context(record, "kinds", i);
            byMember.See(context);
            byShape.See(context);
        }

        Assert.Equal(Describe(byMember), Describe(byShape));
        Assert.InRange(shapes.HeldBytes, 1, RecordShapes.MaxHeldBytes);
        Assert.False(shapes.For("kinds").ByMember);
        using var again = JsonDocument.Parse("""{"a":1,"b":"x","properties":{"c":true,"d":null}}""");
        Assert.NotNull(shapes.Of("kinds", new DiagnosticRecord(again.RootElement)));
    }

    [Fact]
    public void ACategoryWhoseKindsKeepChanging_NeverEmptiesTheSetTheOthersShare()
    {
        // A category may show MaxShapesPerCategory name sets and each may keep MaxKindsPerNames kind combinations: a
        // few such name sets alone hold more than the whole set. The category is counted member by member past its
        // share instead, exactly as before, and the shapes of every other category stay where they are (the set
        // emptied would make them again).
        var shapes = new RecordShapes();
        using var calmDocument = JsonDocument.Parse("""{"a":1,"b":"x","properties":{"c":"12"}}""");
        var calm = new DiagnosticRecord(calmDocument.RootElement);
        var calmShape = shapes.Of("calm", calm);
        var byShape = new CategoryObservation("churn", "p", shapes);
        var byMember = new CategoryObservation("churn", "p");
        var combinations = RecordShapes.MaxKindsPerNames;
        var nameSets = (RecordShapes.MaxShapes / (combinations + 1)) + 2;
        for (var i = 0; i < nameSets * combinations; i++)
        {
            var (names, n) = Math.DivRem(i, combinations);
            var json = string.Create(
                CultureInfo.InvariantCulture,
                $$$"""{"a{{{names}}}":{{{_values[n % 8]}}},"b":{{{_values[n / 8 % 8]}}},"properties":{"c":{{{_values[n / 64 % 8]}}},"d":{{{_values[n / 512 % 8]}}}}}""");
            using var document = JsonDocument.Parse(json);
            using var record = new DiagnosticRecord(document.RootElement);
            var context = RecordShapesTests.Context(record, "churn", i);
            byMember.See(context);
            byShape.See(context);
            if (n == 0)
            {
                Assert.Same(calmShape, shapes.Of("calm", calm));
            }
        }

        Assert.Equal(Describe(byMember), Describe(byShape));
        Assert.Same(calmShape, shapes.Of("calm", calm));
        Assert.Equal(0, shapes.Generation);
        Assert.True(shapes.For("churn").ByMember);
        Assert.False(shapes.For("calm").ByMember);
        Assert.Equal(shapes.Tally(), (shapes.Count, shapes.HeldBytes));
    }

    [Fact]
    public void NamesTheSetWasEmptiedOf_AddNothingToWhatItCounts()
    {
        // The previous record's shape (a caller's hint) may outlive an emptying of the set: records with its names
        // and other kinds must not be counted into the new set, which does not hold those names.
        var shapes = new RecordShapes(RecordShapes.MaxHeldBytes, RecordShapes.MaxShapesPerCategory, maxShapes: 64, maxKindsPerNames: 8);
        var old = shapes.For("old");
        var first = Shape(old, """{"a":1,"properties":{"c":"x"}}""", hint: null);
        Assert.Equal(0, first!.Names.Generation);

        // Other categories, one name set each (none passes its own share), fill the set until it is emptied.
        for (var i = 0; shapes.Generation == 0; i++)
        {
            Assert.NotNull(Shape(shapes.For("fill" + i), "{\"f" + i + "\":1}", hint: null));
            Assert.Equal(shapes.Tally(), (shapes.Count, shapes.HeldBytes));
        }

        // From the stale hint, other kinds: found or made in the set as it is now, and counted as what it holds.
        var hint = first;
        for (var k = 0; k < 12; k++)
        {
            var json = string.Create(CultureInfo.InvariantCulture, $$$"""{"a":{{{_values[k % 8]}}},"properties":{"c":{{{_values[k / 8 % 8]}}}}}""");
            hint = Shape(old, json, hint);
            Assert.NotNull(hint);
            Assert.Equal(shapes.Tally(), (shapes.Count, shapes.HeldBytes));
        }

        // The stale name shape itself, given more kinds than it keeps: it adds nothing, and starting its kinds again
        // gives nothing back.
        var count = shapes.Count;
        var bytes = shapes.HeldBytes;
        for (var k = 0; k < 20; k++)
        {
            var kinds = new byte[first.Kinds.Length];
            kinds[0] = (byte)k;
            Assert.NotNull(first.Names.Of(kinds, old));
            Assert.Equal((count, bytes), (shapes.Count, shapes.HeldBytes));
        }

        Assert.Equal(shapes.Tally(), (shapes.Count, shapes.HeldBytes));
    }

    [Theory]
    [InlineData("1e99999999999999999999999999999999999")]
    [InlineData("-1e-99999999999999999999999999999999999")]
    [InlineData("123456789012345678901234567890123456789")]
    [InlineData("0.000000000000000000000000000000000001")]
    [InlineData("-0")]
    [InlineData("007")]
    [InlineData("1.")]
    [InlineData(" 12 ")]
    [InlineData("yes")]
    [InlineData("a1")]
    [InlineData("\\u0031")]
    public void NumbersNotParsed_AreWhatParsingGives(string text)
    {
        using var document = JsonDocument.Parse("\"" + text + "\"");
        var trimmed = text.Trim(' ', '\t');
        var expected = trimmed.Contains('\\', StringComparison.Ordinal) ? ValueKinds.String
            : double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? ValueKinds.NumericString
            : ValueKinds.String;

        Assert.Equal(expected, ValueKindRules.Classify(document.RootElement));
    }

    private static RecordShape? Shape(RecordShapes.Category shapes, string json, RecordShape? hint)
    {
        using var document = JsonDocument.Parse(json);
        return shapes.Of(new DiagnosticRecord(document.RootElement), hint);
    }

    private static string Describe(CategoryObservation observation) =>
        string.Join(
            '\n',
            observation.Fields.Select(f => string.Join(
                ' ',
                f.Path,
                f.Kinds,
                f.Count,
                f.LastRecord,
                string.Join(',', f.KindCounts.ToArray()),
                string.Join(',', Enum.GetValues<ValueKinds>().Select(f.ExampleOf)))))
            + $"\n{observation.Records} {observation.First} {observation.Last}";
}
