using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace AcsFunctions.Decoding;

/// <summary>
/// Reads event bodies from a file or stream with bounded memory. NDJSON (the archive's <c>PT1H.json</c>, or one
/// body per line) is streamed in chunks of lines, each chunk a body whose lineage carries the file and first line;
/// anything else (a pretty-printed <c>{"records":[...]}</c>, an array) is read whole as one body.
/// </summary>
public static class FileBodySource
{
    /// <summary>
    /// Target bytes per NDJSON chunk: small enough that a group of <see cref="Ingestion.StreamingIngest.GroupBytes"/> is
    /// made of whole chunks (a chunk is one body, and a body is never split across groups).
    /// </summary>
    public const int ChunkBytes = 1024 * 1024;

    /// <summary>Reads bodies from a file.</summary>
    public static async IAsyncEnumerable<EventBody> ReadFileAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await foreach (var body in ReadAsync(stream, path, cancellationToken))
        {
            yield return body;
        }
    }

    /// <summary>Reads bodies from a stream; <paramref name="name"/> is used as lineage.</summary>
    public static async IAsyncEnumerable<EventBody> ReadAsync(Stream stream, string name, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArrayBufferWriter<byte>? buffer = new(ChunkBytes + (64 * 1024));
        var rented = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            // Read until the first line is complete (or the stream ends) to decide the format.
            var firstLineEnd = -1;
            while (firstLineEnd < 0)
            {
                var read = await stream.ReadAsync(rented.AsMemory(), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                buffer.Write(rented.AsSpan(0, read));
                firstLineEnd = FirstContentLineEnd(buffer.WrittenSpan);
            }

            var isNdjson = firstLineEnd >= 0 && IsCompleteJsonValue(buffer.WrittenSpan[..firstLineEnd]);
            if (!isNdjson)
            {
                // One document: read it whole.
                int read;
                while ((read = await stream.ReadAsync(rented.AsMemory(), cancellationToken)) > 0)
                {
                    buffer.Write(rented.AsSpan(0, read));
                }

                yield return new EventBody(buffer.WrittenMemory.ToArray(), new Lineage { File = name });
                yield break;
            }

            long chunkFirstLine = 1;
            var carry = new ArrayBufferWriter<byte>(ChunkBytes + (64 * 1024));
            carry.Write(buffer.WrittenSpan);
            buffer = null; // one chunk-sized buffer is enough from here on
            while (true)
            {
                var read = await stream.ReadAsync(rented.AsMemory(), cancellationToken);
                if (read > 0)
                {
                    carry.Write(rented.AsSpan(0, read));
                }

                if (carry.WrittenCount >= ChunkBytes || read == 0)
                {
                    var span = carry.WrittenSpan;
                    var cut = read == 0 ? span.Length : span.LastIndexOf((byte)'\n') + 1;
                    if (cut > 0)
                    {
                        // The chunk is handed over, not kept in a local: its consumer decides how long its bytes live.
                        var firstLine = chunkFirstLine;
                        chunkFirstLine += CountLines(span[..cut]);
                        var chunk = span[..cut].ToArray();
                        var rest = span[cut..].ToArray();
                        carry.Clear();
                        carry.Write(rest);
                        yield return new EventBody(chunk, new Lineage { File = name, Line = firstLine });
                    }
                }

                if (read == 0)
                {
                    break;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Lines in a chunk of whole lines (the last may lack its newline).</summary>
    internal static long CountLines(ReadOnlySpan<byte> chunk)
    {
        var count = (long)chunk.Count((byte)'\n');
        return chunk.Length > 0 && chunk[^1] != (byte)'\n' ? count + 1 : count;
    }

    private static int FirstContentLineEnd(ReadOnlySpan<byte> data)
    {
        var start = 0;
        while (start < data.Length)
        {
            var end = data[start..].IndexOf((byte)'\n');
            if (end < 0)
            {
                return -1;
            }

            if (!data.Slice(start, end).Trim(" \t\r"u8).IsEmpty)
            {
                return start + end;
            }

            start += end + 1;
        }

        return -1;
    }

    /// <summary>True when <paramref name="line"/> holds one complete JSON value (a one-line object counts even when broken).</summary>
    internal static bool IsCompleteJsonValue(ReadOnlySpan<byte> line)
    {
        if (line.Length >= 3 && line[0] == 0xEF && line[1] == 0xBB && line[2] == 0xBF)
        {
            line = line[3..];
        }

        var trimmed = line.Trim(" \t\r"u8);
        if (trimmed.Length > 1 && trimmed[0] == (byte)'{' && trimmed[^1] == (byte)'}')
        {
            return true; // a one-line object, even a broken one: NDJSON (bad lines are dead-lettered one by one)
        }

        try
        {
            var reader = new Utf8JsonReader(line, isFinalBlock: true, state: default);
            return reader.Read() && reader.TrySkip() && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
