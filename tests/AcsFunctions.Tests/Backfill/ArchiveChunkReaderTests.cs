using System.Text;
using AcsFunctions.Backfill;
using AcsFunctions.Decoding;

namespace AcsFunctions.Tests.Backfill;

public sealed class ArchiveChunkReaderTests
{
    private static readonly string[] _lines = [.. Enumerable.Range(1, 50).Select(i => $"{{\"category\":\"ChatOperational\",\"n\":{i},\"pad\":\"{new string('x', i % 7 * 10)}\"}}")];

    [Fact]
    public async Task ReadAsync_SmallChunks_CoverEveryLineOnceWithOffsetsAndLineNumbers()
    {
        var data = Encoding.UTF8.GetBytes(string.Concat(_lines.Select(l => l + "\n")));

        var chunks = await ReadAllAsync(data, 0, 1, isFinal: false, chunkBytes: 300);

        Assert.True(chunks.Count > 5);
        Assert.Equal(data, chunks.SelectMany(c => c.Data.ToArray()).ToArray());
        long offset = 0, line = 1;
        foreach (var chunk in chunks)
        {
            Assert.Equal(offset, chunk.StartOffset);
            Assert.Equal(line, chunk.FirstLine);
            Assert.Equal((byte)'\n', chunk.Data.Span[^1]);
            Assert.StartsWith(_lines[line - 1], Encoding.UTF8.GetString(chunk.Data.Span), StringComparison.Ordinal);
            offset = chunk.EndOffset;
            line = chunk.LinesDone + 1;
        }

        Assert.Equal(_lines.Length, line - 1);
    }

    [Fact]
    public async Task ReadAsync_FromAnOffset_NumbersLinesFromTheCheckpoint()
    {
        var data = Encoding.UTF8.GetBytes(string.Concat(_lines.Skip(10).Select(l => l + "\n")));

        var chunks = await ReadAllAsync(data, 5000, 11, isFinal: true, chunkBytes: 1 << 20);

        var chunk = Assert.Single(chunks);
        Assert.Equal(11, chunk.FirstLine);
        Assert.Equal(50, chunk.LinesDone);
        Assert.Equal(5000 + data.Length, chunk.EndOffset);
    }

    [Fact]
    public async Task ReadAsync_UnterminatedPartialLineOfAnOpenHour_IsLeftForTheNextRun()
    {
        var data = Encoding.UTF8.GetBytes(_lines[0] + "\n" + _lines[1] + "\n" + _lines[2][..20]);

        var open = await ReadAllAsync(data, 0, 1, isFinal: false, chunkBytes: 1 << 20);
        var final = await ReadAllAsync(data, 0, 1, isFinal: true, chunkBytes: 1 << 20);

        Assert.Equal(2, Assert.Single(open).LinesDone);
        Assert.Equal(3, Assert.Single(final).LinesDone);
    }

    [Fact]
    public async Task ReadAsync_UnterminatedButCompleteLastLine_IsTakenEvenWhileTheHourIsOpen()
    {
        var data = Encoding.UTF8.GetBytes(_lines[0] + "\n" + _lines[1]);

        var chunks = await ReadAllAsync(data, 0, 1, isFinal: false, chunkBytes: 1 << 20);

        Assert.Equal(data.Length, Assert.Single(chunks).EndOffset);
    }

    [Fact]
    public async Task ReadAsync_PrettyPrintedRecordsDocument_IsOneChunk()
    {
        var data = Encoding.UTF8.GetBytes("{\n  \"records\": [\n" + string.Join(",\n", _lines) + "\n  ]\n}\n");

        var chunks = await ReadAllAsync(data, 0, 1, isFinal: true, chunkBytes: 256);

        Assert.Equal(data.Length, Assert.Single(chunks).Data.Length);
    }

    [Fact]
    public async Task ReadAsync_NdjsonChunkOfOnlyBrokenLines_IsDecodedLineByLine()
    {
        // The last chunks hold only fragments: decoded alone each would look like one broken document (one body); as NDJSON
        // lines they count one body and one dead letter per line, whatever the chunk size.
        var data = Encoding.UTF8.GetBytes(string.Concat(_lines.Take(10).Select(l => l + "\n")) + string.Concat(Enumerable.Repeat("{\"time\":\n", 20)));

        var chunks = await ReadAllAsync(data, 0, 1, isFinal: true, chunkBytes: 200);
        var counts = chunks.Select(c =>
        {
            using var decoded = BodyDecoder.Decode(new EventBody(c.Data, new Lineage { Line = c.FirstLine }) { IsNdjson = c.IsNdjson });
            return (decoded.Bodies, Dead: decoded.Items.Count(i => i.DeadLetter is not null));
        }).ToList();

        Assert.All(chunks, c => Assert.True(c.IsNdjson));
        Assert.Equal(30, counts.Sum(c => c.Bodies));
        Assert.Equal(20, counts.Sum(c => c.Dead));
    }

    [Fact]
    public async Task ReadAsync_PrettyPrintedDocument_IsNotNdjson()
    {
        var data = Encoding.UTF8.GetBytes("{\n  \"records\": [\n" + string.Join(",\n", _lines) + "\n  ]\n}\n");

        var chunk = Assert.Single(await ReadAllAsync(data, 0, 1, isFinal: true, chunkBytes: 256));

        Assert.False(chunk.IsNdjson);
    }

    private static async Task<List<ArchiveChunk>> ReadAllAsync(byte[] data, long offset, long line, bool isFinal, int chunkBytes)
    {
        var list = new List<ArchiveChunk>();
        await foreach (var chunk in ArchiveChunkReader.ReadAsync(new MemoryStream(data), offset, line, isFinal, chunkBytes))
        {
            list.Add(chunk);
        }

        return list;
    }
}
