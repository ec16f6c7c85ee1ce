using System.Text;
using System.Text.Json;
using AcsFunctions.Decoding;
using AcsFunctions.Generation;
using AcsFunctions.Records;
using AcsFunctions.Storage;

namespace AcsFunctions.Tests.Ingestion;

/// <summary>
/// What the record path reuses instead of allocating per record (issue 18) gives exactly what a new instance gives: one
/// decoded-body result reused body after body, one record view per thread, lineage columns boxed once per lineage, the
/// payload length's box. The rows themselves are pinned by <see cref="PreparedRowsGoldenTests"/>.
/// </summary>
public sealed class PerRecordReuseTests
{
    [Fact]
    public void ADecodedBodyReusedBodyAfterBody_HoldsWhatAFreshDecodeHolds()
    {
        var bodies = SyntheticStream.Create(new GeneratorOptions { Calls = 5, ApiRequests = 300, Emails = 5, Minutes = 3, Seed = 11, Malformed = 0.1 })
            .Bodies().Select(b => b.ToEventBody())
            .Append(new EventBody(Encoding.UTF8.GetBytes("{\"a\":1}\n{\"records\":[{\"b\":2}]}\nnot json\n"), new Lineage { File = "x.json" }))
            .Append(new EventBody(Encoding.UTF8.GetBytes("   "), Lineage.None))
            .Append(new EventBody(Encoding.UTF8.GetBytes("""{"records":[{"a":1}]}"""), Lineage.None))
            .ToList();
        Assert.True(bodies.Count > 20);

        using var reused = new DecodedBody();
        foreach (var body in bodies)
        {
            using var fresh = BodyDecoder.Decode(body);
            Assert.Same(reused, BodyDecoder.Decode(body, reused));
            Assert.Equal(fresh.Bodies, reused.Bodies);
            Assert.Equal(Describe(fresh), Describe(reused));
        }
    }

    [Fact]
    public void AReusedRecordView_ReadsAsANewView()
    {
        string[] records =
        [
            """{"category":"A","time":"2025-01-01T00:00:00Z","properties":"{\"Inner\":\"from string\",\"n\":\"5\"}"}""",
            """{"category":"B","Inner":"top","properties":{"inner":"nested","n":7}}""",
            """{"category":"C","properties":"not an object"}""",
            """{"category":"D"}""",
            """{"category":"E","properties":{"x":"Redacted","n":"-"}}""",
        ];
        var reused = new DiagnosticRecord();
        foreach (var json in records.Concat(records.Reverse()))
        {
            using var document = JsonDocument.Parse(json);
            using var fresh = new DiagnosticRecord(document.RootElement);
            reused.Reuse(document.RootElement);
            Assert.Equal(fresh.PropertiesWasString, reused.PropertiesWasString);
            Assert.Equal(fresh.Properties?.GetRawText(), reused.Properties?.GetRawText());
            foreach (var name in new[] { "category", "inner", "n", "x", "time", "properties" })
            {
                Assert.Equal((fresh.GetString(name).State, fresh.GetString(name).Value), (reused.GetString(name).State, reused.GetString(name).Value));
                Assert.Equal(fresh.GetState(name), reused.GetState(name));
                Assert.Equal(fresh.GetDouble(name).HasValue, reused.GetDouble(name).HasValue);
            }

            reused.Dispose();
        }

        using var notAnObject = JsonDocument.Parse("[1]");
        Assert.Throws<ArgumentException>(() => reused.Reuse(notAnObject.RootElement));
    }

    [Fact]
    public void LineageColumns_AreTheLineagesValues_WhicheverLineageCameBefore()
    {
        var enqueued = new DateTimeOffset(2025, 3, 1, 10, 0, 0, TimeSpan.Zero);
        var first = new Lineage { PartitionId = "3", SequenceNumber = 1200, Offset = "99", EnqueuedTime = enqueued };
        var lines = new Lineage { File = new string('f', 1500), Line = 42 };
        Lineage[] order = [first, first, lines, first with { SequenceNumber = 1201 }, lines with { Line = 43 }, Lineage.None, new Lineage { EnqueuedTime = DateTimeOffset.MinValue }];
        foreach (var lineage in order)
        {
            var columns = new Dictionary<string, object>();
            LineageColumns.Add(columns, lineage);
            var expected = new Dictionary<string, object?>
            {
                ["SourcePartition"] = lineage.PartitionId,
                ["SourceSequenceNumber"] = lineage.SequenceNumber,
                ["SourceOffset"] = lineage.Offset,
                ["SourceEnqueuedTime"] = lineage.EnqueuedTime is { } t && t >= EntityLimits.MinDate ? t : null,
                ["SourceFile"] = lineage.File is { Length: > 1024 } f ? f[^1024..] : lineage.File,
                ["SourceLine"] = lineage.Line,
            }.Where(c => c.Value is not null).ToDictionary(c => c.Key, c => c.Value!);
            Assert.Equal(expected.OrderBy(c => c.Key), columns.OrderBy(c => c.Key));
        }
    }

    [Fact]
    public void RawBytes_IsThePayloadsLength_ForLengthsThatShareABox()
    {
        foreach (var length in new[] { 5, 1029, 5, 2053, 1029, 0, 1024, 3000 })
        {
            var columns = new Dictionary<string, object>();
            Assert.True(PayloadColumns.TryAdd(columns, new byte[length]));
            Assert.Equal((long)length, Assert.IsType<long>(columns[PayloadColumns.Length]));
        }
    }

    private static string Describe(DecodedBody decoded) => string.Join('\n', decoded.Items.Select(i => i.DeadLetter is { } dead
        ? $"dead {dead.Reason} {dead.Detail} {Convert.ToBase64String(dead.Payload.Span)} {dead.Lineage}"
        : $"record {i.Record.GetRawText()} {i.Category} {i.Lineage}"));
}
