using System.Text;
using AcsFunctions.Decoding;
using AcsFunctions.Ingestion;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Reliability;

/// <summary>
/// Issue 15, finding 8: a <c>{"records":[…]}</c> document is streamed record by record, so what is held follows the
/// largest record, not the document. Checked without timing: the bytes read from the stream but not yet handed over
/// as bodies, and the size of every body, stay under a bound while a 20 MB document (generated on the fly, never
/// in memory whole) is read.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class LargeDocumentTests(AzuriteFixture azurite)
{
    private const long Bound = FileBodySource.ChunkBytes + (256 * 1024);

    [Theory]
    [InlineData("one line", false)]
    [InlineData("pretty-printed", true)]
    public async Task Read_TwentyMegabyteRecordsDocument_HoldsAtMostAChunkPlusOneRecord(string variant, bool pretty)
    {
        const int records = 20_000;
        using var stream = new GeneratedDocument(records, pretty);
        long handedOver = 0, maxHeld = 0, maxBody = 0, count = 0;

        await foreach (var body in FileBodySource.ReadAsync(stream, variant))
        {
            maxHeld = Math.Max(maxHeld, stream.Position - handedOver);
            maxBody = Math.Max(maxBody, body.Data.Length);
            handedOver += body.Data.Length;
            using var decoded = BodyDecoder.Decode(body);
            Assert.All(decoded.Items, i => Assert.Null(i.DeadLetter));
            count += decoded.Items.Count;
        }

        Assert.True(stream.Length > 20_000_000, $"only {stream.Length} bytes");
        Assert.Equal(records, count);
        Assert.True(maxBody <= Bound, $"a body of {maxBody:N0} bytes");
        // Read ahead of the bodies: the splitter's buffer (a chunk being filled, one read, the tail of a record), plus
        // the white space between pretty-printed records, which bodies do not carry.
        Assert.True(maxHeld <= 2 * Bound, $"{maxHeld:N0} bytes read ahead of the bodies");
    }

    public static readonly TheoryData<string, string, int, int> Shapes = new()
    {
        // name, document, records stored, dead-lettered units
        { "BOM + records", "\uFEFF{\"records\":[" + Rec(1) + "," + Rec(2) + "]}", 2, 0 },
        { "RECORDS casing, other members around", "{\"RECORDS\":[" + Rec(1) + "],\"other\":{\"x\":[1,2]},\"n\":1}", 1, 0 },
        { "duplicate records members", "{\"records\":[" + Rec(1) + "],\"records\":[" + Rec(2) + "]}", 2, 0 },
        { "two documents in a row", "{\"records\":[" + Rec(1) + "]}\n{\"records\":[" + Rec(2) + "," + Rec(3) + "]}\n", 3, 0 },
        { "top-level array", "[" + Rec(1) + ",\n" + Rec(2) + "]", 2, 0 },
        { "primitive among records", "{\"records\":[" + Rec(1) + ",42]}", 1, 1 },
        { "records not an array after a good one", "{\"records\":[" + Rec(1) + "],\"records\":\"x\"}", 1, 1 },
        { "truncated inside the third record", "{\"records\":[" + Rec(1) + "," + Rec(2) + "," + Rec(3)[..40], 2, 1 },
        { "trailing garbage", "{\"records\":[" + Rec(1) + "]} garbage", 1, 1 },
        { "a single pretty-printed record (no container)", Rec(1).Replace(",", ",\n "), 1, 0 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task Ingest_StreamedDocumentShapes_EveryRecordStoredOrDeadLettered(string name, string document, int stored, int dead)
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(document));

        var result = await storage.Pipeline.IngestAsync(FileBodySource.ReadAsync(stream, name));

        Assert.Equal((stored, dead), ((int)result.Stored, (int)result.DeadLettered));
        Assert.True(result.Reconciles);
        Assert.Equal(stored, (await storage.AllAsync(TableNames.Records)).Count);
    }

    [Fact]
    public async Task Ingest_ThreeMegabyteDocument_SameRowsAsTheSameRecordsAsNdjson()
    {
        var lines = Enumerable.Range(0, 3_000).Select(Rec).ToList();
        await using var fromDocument = TestStorage.Create(azurite.ConnectionString);
        await using var fromLines = TestStorage.Create(azurite.ConnectionString);

        using var document = new MemoryStream(Encoding.UTF8.GetBytes("{\"records\":[" + string.Join(",", lines) + "]}"));
        using var ndjson = new MemoryStream(Encoding.UTF8.GetBytes(string.Join("\n", lines)));
        var a = await fromDocument.Pipeline.IngestAsync(FileBodySource.ReadAsync(document, "doc"));
        var b = await fromLines.Pipeline.IngestAsync(FileBodySource.ReadAsync(ndjson, "doc"));

        Assert.Equal((3_000L, 0L), (a.Stored, a.DeadLettered));
        Assert.Equal(b.Stored, a.Stored);
        Assert.Equal(
            (await fromLines.AllAsync(TableNames.Records)).Select(r => r.RowKey).Order(),
            (await fromDocument.AllAsync(TableNames.Records)).Select(r => r.RowKey).Order());
    }

    private static string Rec(int i) =>
        "{\"time\":\"2025-06-01T10:" + (i / 60 % 60).ToString("D2", System.Globalization.CultureInfo.InvariantCulture) + ":" + (i % 60).ToString("D2", System.Globalization.CultureInfo.InvariantCulture) +
        "Z\",\"resourceId\":\"/SUBSCRIPTIONS/S1/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS1\",\"operationName\":\"SendChatMessage\",\"category\":\"ChatOperational\",\"resultType\":\"Succeeded\",\"resultSignature\":\"201\",\"durationMs\":" +
        (i % 97).ToString(System.Globalization.CultureInfo.InvariantCulture) + ",\"correlationId\":\"corr-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) +
        "\",\"properties\":{\"SdkType\":\"azsdk-js\",\"PlatformType\":\"Web\",\"Padding\":\"" + new string('p', 700) + "\"}}";

    /// <summary>A read-only stream that produces a records document as it is read (never whole in memory).</summary>
    private sealed class GeneratedDocument(int records, bool pretty) : Stream
    {
        private readonly int _records = records;
        private byte[] _current = Encoding.UTF8.GetBytes(pretty ? "{\n  \"records\": [\n    " : "{\"records\":[");
        private int _offset;
        private int _next;
        private long _position;
        private long _length = -1;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => _length >= 0 ? _length : throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var written = 0;
            while (written < count)
            {
                if (_offset == _current.Length)
                {
                    if (_next > _records)
                    {
                        _length = _position + written;
                        break;
                    }

                    var record = _next < _records ? Rec(_next) : null;
                    var separator = _next < _records - 1 ? (pretty ? ",\n    " : ",") : string.Empty;
                    _current = Encoding.UTF8.GetBytes(record is null ? (pretty ? "\n  ]\n}\n" : "]}") : (pretty ? record.Replace(",\"", ",\n      \"") : record) + separator);
                    _offset = 0;
                    _next++;
                    continue;
                }

                var n = Math.Min(count - written, _current.Length - _offset);
                _current.AsSpan(_offset, n).CopyTo(buffer.AsSpan(offset + written));
                _offset += n;
                written += n;
            }

            _position += written;
            return written;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
