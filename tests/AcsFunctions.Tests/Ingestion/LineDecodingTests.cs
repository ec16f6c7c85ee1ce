using System.Text;
using AcsFunctions.Decoding;
using AcsFunctions.Tests.Reliability;

namespace AcsFunctions.Tests.Ingestion;

/// <summary>
/// How a body of several lines is decoded (docs/ingestion.md): a BOM may start any line or document, NDJSON counts and
/// dead-letters line by line even when every line is bad, and a broken pretty-printed document is one dead letter.
/// </summary>
public sealed class LineDecodingTests
{
    private const string Bom = "\uFEFF";

    [Fact]
    public void Decode_NdjsonWithABomOnEveryLine_StoresEveryRecord()
    {
        var body = Text(Bom + BadInputCorpus.Record("bom-1") + "\n" + Bom + BadInputCorpus.Record("bom-2") + "\n");

        using var decoded = BodyDecoder.Decode(body);

        Assert.Equal(2, decoded.Bodies);
        Assert.Equal(2, decoded.Items.Count);
        Assert.All(decoded.Items, item => Assert.Null(item.DeadLetter));
        Assert.Equal([1L, 2L], decoded.Items.Select(i => i.Lineage.Line ?? 0));
    }

    [Fact]
    public void Decode_AWholeDocumentThenBrokenLines_StoresItsRecords_AndDeadLettersEachBrokenLine()
    {
        // Fewer than half the lines look whole, but the first is a whole document: its records are kept (as before the
        // NDJSON rule), each broken line is one dead letter.
        var body = Text("{\"records\":[" + BadInputCorpus.Record("first") + "]}\ngarbage\nmore garbage\n");

        using var decoded = BodyDecoder.Decode(body);

        Assert.Equal(3, decoded.Bodies);
        Assert.Single(decoded.Items, i => i.DeadLetter is null);
        Assert.Equal(2, decoded.Items.Count(i => i.DeadLetter?.Reason == DeadLetterReasons.InvalidJson));
    }

    [Fact]
    public void Decode_RecordsDocumentsEachWithABomOnTheirOwnLines_StoresEveryRecord()
    {
        var body = Text(Bom + "{\"records\":[" + BadInputCorpus.Record("doc-1") + "]}\n" + Bom + "{\"records\":[" + BadInputCorpus.Record("doc-2") + "]}\n");

        using var decoded = BodyDecoder.Decode(body);

        Assert.Equal(2, decoded.Items.Count);
        Assert.All(decoded.Items, item => Assert.Null(item.DeadLetter));
    }

    [Fact]
    public async Task Read_ConcatenatedDocumentsEachStartingWithABom_SplitsEveryRecord()
    {
        var text = Bom + "{\"records\":[\n" + BadInputCorpus.Record("split-1") + "\n]}\n" + Bom + "{\"records\":[\n" + BadInputCorpus.Record("split-2") + "\n]}\n" + Bom + "[" + BadInputCorpus.Record("split-3") + "]";

        var items = await DecodeStreamAsync(Encoding.UTF8.GetBytes(text));

        Assert.Equal(3, items.Records);
        Assert.Empty(items.Dead);
        Assert.Equal(3, items.Bodies);
    }

    [Fact]
    public async Task Read_DocumentBrokenAfterABom_RestIsDeadLetteredWithItsLine()
    {
        var text = "{\"records\":[" + BadInputCorpus.Record("ok") + "]}\n" + Bom + "{\"records\":[\n" + BadInputCorpus.Record("ok-2") + ",\n{\"time\":";

        var items = await DecodeStreamAsync(Encoding.UTF8.GetBytes(text));

        Assert.Equal(2, items.Records);
        var dead = Assert.Single(items.Dead);
        Assert.Equal(DeadLetterReasons.InvalidJson, dead.Reason);
        Assert.Equal(3, dead.Lineage.Line);
    }

    [Theory]
    [InlineData("{\"records\":[@1]", 1)]
    [InlineData("{\"records\":[@1],\"records\":[@2]\n\n", 2)]
    [InlineData("[@1", 1)]
    [InlineData("{\"records\":[", 0)]
    public async Task Read_FileCutWhereNothingFollowsAWholeRecord_IsAnInvalidJsonDeadLetterNotAnEmptyBody(string shape, int records)
    {
        // A file cut (a copy interrupted) right after a record or the array's end: its records are stored, and the unclosed
        // document is reported as what it is (invalid JSON, with the line where it ends), not as an empty body.
        var text = shape.Replace("@1", BadInputCorpus.Record("cut-1"), StringComparison.Ordinal).Replace("@2", BadInputCorpus.Record("cut-2"), StringComparison.Ordinal);

        var items = await DecodeStreamAsync(Encoding.UTF8.GetBytes(text));

        Assert.Equal(records, items.Records);
        var dead = Assert.Single(items.Dead);
        Assert.Equal(DeadLetterReasons.InvalidJson, dead.Reason);
        Assert.Contains("ends before", dead.Detail, StringComparison.Ordinal);
        Assert.Equal(("file.json", true), (dead.Lineage.File, dead.Lineage.Line >= 1));
    }

    [Fact]
    public void Decode_BrokenPrettyPrintedBody_IsOneInvalidJsonDeadLetter()
    {
        var body = Text("{\n \"category\": \"ChatOperational\",\n \"time\": \"2025-05-01T10:00:00Z\",\n \"tags\": [\n  \"a\",\n  1,\n  true\n ]\n");

        using var decoded = BodyDecoder.Decode(body);

        Assert.Equal(1, decoded.Bodies);
        var item = Assert.Single(decoded.Items);
        Assert.Equal(DeadLetterReasons.InvalidJson, item.DeadLetter?.Reason);
        Assert.Equal(body.Data.Length, item.DeadLetter!.Payload.Length);
    }

    [Fact]
    public async Task Read_BrokenPrettyPrintedFile_IsOneInvalidJsonDeadLetter()
    {
        var items = await DecodeStreamAsync("{\n \"category\": \"ChatOperational\",\n \"time\": \"2025-05-01T10:00:00Z\",\n \"tags\": [\n  \"a\",\n  1,\n  true\n ]\n"u8.ToArray());

        Assert.Equal((1, 0), (items.Bodies, items.Records));
        Assert.Equal(DeadLetterReasons.InvalidJson, Assert.Single(items.Dead).Reason);
    }

    [Fact]
    public void Decode_NdjsonWithSomeBrokenLines_DeadLettersEachBrokenLineAlone()
    {
        var good = BadInputCorpus.Record("nd");
        var body = Text(good + "\n{\"time\":\n" + good + "\n{\"a\":1,}\n" + good + "\n[\n");

        using var decoded = BodyDecoder.Decode(body);

        Assert.Equal(6, decoded.Bodies);
        Assert.Equal(3, decoded.Items.Count(i => i.DeadLetter is null));
        Assert.Equal([2L, 4L, 6L], decoded.Items.Where(i => i.DeadLetter is not null).Select(i => i.Lineage.Line ?? 0));
    }

    [Fact]
    public void Decode_NdjsonWhoseEveryLineIsBroken_CountsAndDeadLettersEachLine()
    {
        var body = Text("{\"a\":1,}\n\n{\"b\":2,}\n{\"c\":3,}\n", "three.json");

        using var decoded = BodyDecoder.Decode(body);
        using var withAGoodLine = BodyDecoder.Decode(Text("{\"a\":1,}\n\n{\"b\":2,}\n{\"c\":3,}\n" + BadInputCorpus.Record("good") + "\n"));

        Assert.Equal(3, decoded.Bodies);
        Assert.All(decoded.Items, item => Assert.Equal(DeadLetterReasons.InvalidJson, item.DeadLetter?.Reason));
        Assert.Equal([1L, 3L, 4L], decoded.Items.Select(i => i.Lineage.Line ?? 0));
        Assert.Equal(4, withAGoodLine.Bodies);
        Assert.Equal(3, withAGoodLine.Items.Count(i => i.DeadLetter is not null));
    }

    [Fact]
    public void Decode_NdjsonChunkOfOneBrokenLine_DeadLettersTheLineAsTheWholeFileDoes()
    {
        // Where a chunk ends is not the file's: a chunk of one broken line (after a BOM), its line end and blank lines after it, gives the
        // dead letter (payload, and so its row key) the file gives that line when decoded in one piece.
        const string Broken = "{\"time\":\"2026-11-20T10:00:00Z\",\"category\":\"ChatOp";
        using var whole = BodyDecoder.Decode(Text(BadInputCorpus.Record("good") + "\n" + Broken + "\n\n\n" + BadInputCorpus.Record("other") + "\n"));
        using var chunk = BodyDecoder.Decode(new EventBody(Encoding.UTF8.GetBytes(Bom + Broken + "\n\n\n"), new Lineage { File = "inline", Line = 2 }) { IsNdjson = true });

        var expected = Assert.Single(whole.Items, i => i.DeadLetter is not null).DeadLetter!;
        var dead = Assert.Single(chunk.Items).DeadLetter!;
        Assert.Equal(1, chunk.Bodies);
        Assert.Equal((expected.Reason, expected.Lineage.Line), (dead.Reason, dead.Lineage.Line));
        Assert.Equal(Broken, Encoding.UTF8.GetString(expected.Payload.Span));
        Assert.Equal(Broken, Encoding.UTF8.GetString(dead.Payload.Span));
    }

    [Fact]
    public async Task Read_NdjsonFileWhoseLastChunkHoldsOnlyBrokenLines_CountsEachLine()
    {
        var good = BadInputCorpus.Record("chunk", extra: "\"pad\":\"" + new string('p', 300) + "\"") + "\n";
        var text = new StringBuilder();
        while (text.Length < FileBodySource.ChunkBytes - 4096)
        {
            text.Append(good);
        }

        var goodLines = text.Length / good.Length;
        const int BrokenLines = 2000;
        for (var i = 0; i < BrokenLines; i++)
        {
            text.Append(i % 2 == 0 ? "{\"n\":" + i + ",}\n" : "{\"time\":\n"); // bad records and fragments alike
        }

        var items = await DecodeStreamAsync(Encoding.UTF8.GetBytes(text.ToString()));

        Assert.True(items.Chunks >= 2, "the file should be read in several chunks");
        Assert.Equal(goodLines + BrokenLines, items.Bodies);
        Assert.Equal(goodLines, items.Records);
        Assert.Equal(BrokenLines, items.Dead.Count);
    }

    /// <summary>
    /// The same bytes give the same records and dead letters whether they arrive as one Event Hubs body, in a file or in
    /// an archive blob: the file and archive readers decide "NDJSON or one document" from the first line by the rule the
    /// decoder applies to a body (docs/ingestion.md).
    /// </summary>
    [Theory]
    [InlineData("one-record-whose-first-line-ends-in-a-brace")]
    [InlineData("broken-one-line-object-then-a-record-and-garbage")]
    [InlineData("string-lines-then-a-record")]
    [InlineData("two-objects-on-the-first-line-then-garbage")]
    [InlineData("ndjson")]
    [InlineData("broken-pretty-printed")]
    public async Task Decode_SameBytes_SameOutcomeAsABodyAFileAndAnArchiveBlob(string name)
    {
        var good = BadInputCorpus.Record("same-" + name);
        var text = name switch
        {
            // One valid document, wrapped before its last brace: its first line looks like a one-line object.
            "one-record-whose-first-line-ends-in-a-brace" => good[..^1] + "\n}\n",
            "broken-one-line-object-then-a-record-and-garbage" => "{\"a\":1,}\n" + good + "\ngarbage\nmore\nstill more\nthe end\n",
            "string-lines-then-a-record" => "\"x\"\n\"y\"\n" + good + "\n",
            "two-objects-on-the-first-line-then-garbage" => "{\"a\":1} {\"b\":2}\n" + good + "\ngarbage\nmore\nagain\n",
            "ndjson" => good + "\n{\"time\":\n" + good + "\n",
            _ => "{\n \"category\": \"ChatOperational\",\n \"time\":\n",
        };
        var bytes = Encoding.UTF8.GetBytes(text);

        using var decoded = BodyDecoder.Decode(new EventBody(bytes, new Lineage { File = "file.json" }));
        var asBody = (decoded.Bodies, Records: decoded.Items.Count(i => i.DeadLetter is null), Dead: Outcome(decoded.Items.Where(i => i.DeadLetter is not null).Select(i => i.DeadLetter!)));
        var file = await DecodeStreamAsync(bytes);
        var archive = await DecodeArchiveAsync(bytes);

        Assert.Equal(asBody, (file.Bodies, file.Records, Outcome(file.Dead)));
        Assert.Equal(asBody, archive);
    }

    private static string Outcome(IEnumerable<DeadLetter> dead) =>
        string.Join(";", dead.Select(d => $"{d.Reason}@{d.Lineage.Line ?? 1}:{Encoding.UTF8.GetString(d.Payload.Span)}"));

    /// <summary>Reads <paramref name="bytes"/> as an archive blob is read (backfill) and decodes every chunk.</summary>
    private static async Task<(int Bodies, int Records, string Dead)> DecodeArchiveAsync(byte[] bytes)
    {
        var (bodies, records, dead) = (0, 0, new List<DeadLetter>());
        await foreach (var chunk in AcsFunctions.Backfill.ArchiveChunkReader.ReadAsync(new MemoryStream(bytes), 0, 1, isFinal: true))
        {
            using var decoded = BodyDecoder.Decode(new EventBody(chunk.Data, new Lineage { File = "file.json", Line = chunk.FirstLine }) { IsNdjson = chunk.IsNdjson });
            bodies += decoded.Bodies;
            records += decoded.Items.Count(i => i.DeadLetter is null);
            dead.AddRange(decoded.Items.Where(i => i.DeadLetter is not null).Select(i => i.DeadLetter!));
        }

        return (bodies, records, Outcome(dead));
    }

    private static EventBody Text(string text, string name = "inline") => new(Encoding.UTF8.GetBytes(text), new Lineage { File = name });

    /// <summary>Reads <paramref name="bytes"/> as a file is read and decodes every body it yields.</summary>
    private static async Task<(int Chunks, int Bodies, int Records, List<DeadLetter> Dead)> DecodeStreamAsync(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        var (chunks, bodies, records, dead) = (0, 0, 0, new List<DeadLetter>());
        await foreach (var body in FileBodySource.ReadAsync(stream, "file.json", CancellationToken.None))
        {
            using var decoded = BodyDecoder.Decode(body);
            chunks++;
            bodies += decoded.Bodies;
            records += decoded.Items.Count(i => i.DeadLetter is null);
            dead.AddRange(decoded.Items.Where(i => i.DeadLetter is not null).Select(i => i.DeadLetter!));
        }

        return (chunks, bodies, records, dead);
    }
}
