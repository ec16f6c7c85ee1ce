using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using AcsFunctions.Decoding;

namespace AcsFunctions.Backfill;

/// <summary>
/// Cuts a blob's byte stream into chunks of whole NDJSON lines (about <c>chunkBytes</c> each), so memory stays
/// bounded whatever the blob size and every chunk end is a resumable byte offset. A trailing line without its
/// newline is taken only when the blob is final or the line is already a complete JSON value; otherwise it is
/// left for the next run (the hour is still being appended to). An old-style archive blob holding one
/// pretty-printed <c>{"records":[...]}</c> document is read whole.
/// </summary>
public static class ArchiveChunkReader
{
    /// <summary>Default target bytes per chunk.</summary>
    public const int DefaultChunkBytes = 4 * 1024 * 1024;

    /// <summary>Reads chunks from <paramref name="stream"/>, which starts at <paramref name="startOffset"/> / <paramref name="startLine"/> of the blob.</summary>
    public static async IAsyncEnumerable<ArchiveChunk> ReadAsync(
        Stream stream,
        long startOffset,
        long startLine,
        bool isFinal,
        int chunkBytes = DefaultChunkBytes,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkBytes, 1);
        var buffer = new ArrayBufferWriter<byte>(Math.Min(chunkBytes, 1 << 20) + (64 * 1024));
        var rented = ArrayPool<byte>.Shared.Rent(Math.Min(1 << 16, chunkBytes));
        var readSize = Math.Min(rented.Length, chunkBytes);
        var offset = startOffset;
        var line = startLine;
        bool? wholeDocument = startOffset == 0 ? null : false;
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(rented.AsMemory(0, readSize), cancellationToken);
                if (read > 0)
                {
                    buffer.Write(rented.AsSpan(0, read));
                }

                wholeDocument ??= DecideWholeDocument(buffer.WrittenSpan, read == 0);
                var flush = read == 0 || (wholeDocument == false && buffer.WrittenCount >= chunkBytes);
                if (flush && buffer.WrittenCount > 0)
                {
                    var span = buffer.WrittenSpan;
                    var cut = wholeDocument == true ? span.Length : span.LastIndexOf((byte)'\n') + 1;
                    if (read == 0 && cut < span.Length && (isFinal || IsWellFormedJson(span[cut..])))
                    {
                        cut = span.Length;
                    }

                    if (cut > 0)
                    {
                        var chunk = span[..cut].ToArray();
                        var rest = span[cut..].ToArray();
                        var lines = FileBodySource.CountLines(chunk);
                        yield return new ArchiveChunk(chunk, line, lines, offset) { IsNdjson = wholeDocument == false };
                        line += lines;
                        offset += chunk.Length;
                        buffer.Clear();
                        buffer.Write(rest);
                    }
                }

                if (read == 0)
                {
                    yield break;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Null while the first non-blank line is incomplete; then whether the blob is one multi-line document.</summary>
    private static bool? DecideWholeDocument(ReadOnlySpan<byte> data, bool atEnd)
    {
        var start = 0;
        while (start < data.Length)
        {
            var end = data[start..].IndexOf((byte)'\n');
            if (end < 0)
            {
                return atEnd ? false : null;
            }

            var candidate = data.Slice(start, end);
            if (!Utf8Bom.Strip(candidate).Trim(" \t\r"u8).IsEmpty)
            {
                return !BodyDecoder.FirstLineStartsNdjson(candidate);
            }

            start += end + 1;
        }

        return atEnd ? false : null;
    }

    /// <summary>Strict: exactly one complete, well-formed JSON value (a line still being appended is not).</summary>
    private static bool IsWellFormedJson(ReadOnlySpan<byte> data)
    {
        try
        {
            var reader = new Utf8JsonReader(data.Trim(" \t\r"u8), isFinalBlock: true, state: default);
            return reader.Read() && reader.TrySkip() && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
