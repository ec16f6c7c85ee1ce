using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace AcsFunctions.Decoding;

/// <summary>
/// Reads event bodies from a file or stream with bounded memory. NDJSON (the archive's <c>PT1H.json</c>, or one
/// body per line) is streamed in chunks of lines, each chunk a body whose lineage carries the file and first line;
/// a <c>{"records":[...]}</c> document or a top-level array (pretty-printed or on one line, one or several in a row)
/// is streamed record by record into bodies of about <see cref="ChunkBytes"/> (peak memory follows the largest record,
/// not the document); anything else (e.g. one pretty-printed record) is read whole as one body.
/// </summary>
public static class FileBodySource
{
    /// <summary>
    /// Target bytes per NDJSON chunk: small enough that a group of <see cref="Ingestion.StreamingIngest.GroupBytes"/> is
    /// made of whole chunks (a chunk is one body, and a body is never split across groups).
    /// </summary>
    public const int ChunkBytes = 1024 * 1024;

    /// <summary>Bytes read before deciding whether a document without a line end yet is a records container.</summary>
    private const int ContainerProbeBytes = 4096;

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
            // Read until the first line is complete (or the stream ends) to decide the format; a records container or a
            // top-level array is recognised from its first bytes and streamed record by record (RecordsArraySplitter).
            var firstLineEnd = -1;
            while (firstLineEnd < 0)
            {
                if (buffer.WrittenCount >= ContainerProbeBytes && StartsWithContainer(buffer.WrittenSpan))
                {
                    break;
                }

                var read = await stream.ReadAsync(rented.AsMemory(), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                buffer.Write(rented.AsSpan(0, read));
                firstLineEnd = FirstContentLineEnd(buffer.WrittenSpan);
            }

            if (StartsWithContainer(buffer.WrittenSpan))
            {
                await foreach (var body in SplitAsync(stream, buffer.WrittenMemory.ToArray(), name, cancellationToken))
                {
                    yield return body;
                }

                yield break;
            }

            var isNdjson = firstLineEnd >= 0 && BodyDecoder.FirstLineStartsNdjson(buffer.WrittenSpan[..firstLineEnd]);
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
                        yield return new EventBody(chunk, new Lineage { File = name, Line = firstLine }) { IsNdjson = true };
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

    /// <summary>
    /// Streams a records container through <see cref="RecordsArraySplitter"/>: the buffer holds the unconsumed tail plus
    /// one read, so it grows only to the largest record (or non-container value). Invalid JSON ends the split: the
    /// bytes from the last whole record on are handed over as one body (<see cref="RecordsArraySplitter.Rest"/>).
    /// </summary>
    private static async IAsyncEnumerable<EventBody> SplitAsync(Stream stream, byte[] first, string name, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var splitter = new RecordsArraySplitter(name);
        var output = new List<EventBody>();
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(first.Length, 1 << 17));
        try
        {
            var content = Utf8Bom.Strip(first.AsSpan());
            content.CopyTo(buffer);
            var end = content.Length;
            var start = 0;
            var final = false;
            var failed = false;
            while (true)
            {
                start += splitter.Process(buffer.AsSpan(start, end - start), final, output);
                failed = splitter.Failed;

                foreach (var body in output)
                {
                    yield return body;
                }

                output.Clear();
                if (failed || final)
                {
                    break;
                }

                // Keep the unconsumed tail at the front; grow only when the tail itself fills the buffer.
                if (start > 0)
                {
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                    end -= start;
                    start = 0;
                }

                if (buffer.Length - end < (1 << 16))
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, end).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken);
                end += read;
                final = read == 0;
            }

            if (failed)
            {
                // The rest from the last whole record, read to the end: broken inside a container, one invalid-json dead letter that
                // says why (never decoded as a body of its own, which could store part of it); between documents, a body. Nothing dropped.
                using var rest = new MemoryStream();
                rest.Write(buffer, start, end - start);
                await stream.CopyToAsync(rest, cancellationToken);
                yield return splitter.Rest(rest.ToArray());
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// True when the data starts (after a BOM and white space) with a top-level array or an object whose first member
    /// is <c>records</c> (any casing).
    /// </summary>
    internal static bool StartsWithContainer(ReadOnlySpan<byte> data)
    {
        data = Utf8Bom.Strip(data);

        var trimmed = data.TrimStart(" \t\r\n"u8);
        if (trimmed.IsEmpty)
        {
            return false;
        }

        if (trimmed[0] == (byte)'[')
        {
            return true;
        }

        try
        {
            var reader = new Utf8JsonReader(trimmed, isFinalBlock: false, state: default);
            return reader.Read() && reader.TokenType == JsonTokenType.StartObject && reader.Read() &&
                reader.TokenType == JsonTokenType.PropertyName && reader.ValueSpan.Length <= 64 &&
                string.Equals(reader.GetString(), "records", StringComparison.OrdinalIgnoreCase);
        }
        catch (JsonException)
        {
            return false;
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

            if (!Utf8Bom.Strip(data.Slice(start, end)).Trim(" \t\r"u8).IsEmpty)
            {
                return start + end;
            }

            start += end + 1;
        }

        return -1;
    }
}
