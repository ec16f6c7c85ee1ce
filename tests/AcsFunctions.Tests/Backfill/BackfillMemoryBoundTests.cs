using System.Text;
using AcsFunctions.Backfill;

namespace AcsFunctions.Tests.Backfill;

/// <summary>
/// docs/backfill.md: "each blob is streamed in chunks of whole lines (4 MiB), one pipeline call per chunk; memory does
/// not grow with the blob size". Checked as a buffer bound, not a timing or a process measurement: on a blob generated
/// on the fly, no chunk is larger than the chunk size plus one read and one line, and the reader is never more than
/// one chunk ahead of what it has handed out — the same on a 16 MiB and on a 256 MiB blob.
/// </summary>
public sealed class BackfillMemoryBoundTests
{
    private const int ReadSize = 64 * 1024;

    [Theory]
    [InlineData(16L << 20)]
    [InlineData(256L << 20)]
    public async Task ReadAsync_BlobOfAnySize_ChunksAndReadAheadBoundedByTheChunkSize(long blobBytes)
    {
        await using var blob = new GeneratedBlob(blobBytes / GeneratedBlob.LineLength * GeneratedBlob.LineLength);
        var chunkBytes = ArchiveChunkReader.DefaultChunkBytes;
        long chunks = 0, lines = 0, largest = 0, furthestAhead = 0, end = 0;

        await foreach (var chunk in ArchiveChunkReader.ReadAsync(blob, 0, 1, isFinal: true, chunkBytes))
        {
            chunks++;
            lines += chunk.Lines;
            largest = Math.Max(largest, chunk.Data.Length);
            furthestAhead = Math.Max(furthestAhead, blob.Position - chunk.StartOffset);
            end = chunk.EndOffset;
        }

        Assert.Equal(blob.Length, end);
        Assert.Equal(blob.Lines, lines);
        Assert.True(chunks >= blob.Length / (chunkBytes + ReadSize + GeneratedBlob.LineLength), $"{chunks} chunks");
        Assert.True(largest <= chunkBytes + ReadSize + GeneratedBlob.LineLength, $"largest chunk {largest:N0} bytes");
        // What is held at any time: the chunk handed out plus the part of the next read past its last newline.
        Assert.True(furthestAhead <= chunkBytes + ReadSize + GeneratedBlob.LineLength, $"read {furthestAhead:N0} bytes past a chunk's start");
    }

    /// <summary>A read-only NDJSON blob of <c>length</c> bytes, produced as it is read (nothing held in memory).</summary>
    private sealed class GeneratedBlob(long length) : Stream
    {
        private static readonly byte[] _line = Encoding.UTF8.GetBytes("{\"time\":\"2026-11-20T10:00:00Z\",\"category\":\"ChatOperational\",\"operationName\":\"GetChatThread\",\"resultSignature\":\"200\",\"durationMs\":5,\"pad\":\"" + new string('x', 300) + "\"}\n");

        private long _position;

        public static int LineLength => _line.Length;

        public long Lines => length / _line.Length;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            for (var i = 0; i < n; i++)
            {
                buffer[offset + i] = _line[(int)((_position + i) % _line.Length)];
            }

            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
