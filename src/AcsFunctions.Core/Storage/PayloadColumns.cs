using System.IO.Compression;
using System.Text;
using Azure.Data.Tables;

namespace AcsFunctions.Storage;

/// <summary>
/// Keeps the original bytes of a record or dead letter on its entity, whatever their size:
/// <list type="bullet">
/// <item>as readable text in <c>Raw</c> when it fits one string property (≤ 32,768 characters);</item>
/// <item>otherwise gzip-compressed in binary chunks <c>RawGzip00</c>… (≤ 64 KiB each) while the entity stays under 1 MiB;</item>
/// <item>otherwise in a blob, with its name in <c>RawBlob</c> (see <see cref="PayloadStore"/>).</item>
/// </list>
/// </summary>
public static class PayloadColumns
{
    /// <summary>Column for the readable copy.</summary>
    public const string Raw = "Raw";

    /// <summary>Prefix of the compressed chunk columns.</summary>
    public const string GzipPrefix = "RawGzip";

    /// <summary>Column holding the number of compressed chunks.</summary>
    public const string GzipChunks = "RawGzipChunks";

    /// <summary>Column holding the blob name of an offloaded payload.</summary>
    public const string Blob = "RawBlob";

    /// <summary>Column holding the payload's length in bytes.</summary>
    public const string Length = "RawBytes";

    private const int SafetyMargin = 16 * 1024;

    /// <summary>The most an entity's own columns may take: what is left must hold the blob pointer columns and the margin.</summary>
    private const int ColumnsLimit = EntityLimits.MaxEntityBytes - (64 * 1024);

    [ThreadStatic]
    private static object?[]? t_lengths;

    /// <summary>
    /// Puts <paramref name="utf8"/> on <paramref name="entity"/>. Returns false when it does not fit on the entity
    /// at all; the caller must then store it with <see cref="PayloadStore"/> and call <see cref="SetBlob"/>.
    /// </summary>
    public static bool TryAdd(TableEntity entity, ReadOnlySpan<byte> utf8) => TryAdd((IDictionary<string, object>)entity, utf8);

    /// <summary>
    /// As <see cref="TryAdd(TableEntity, ReadOnlySpan{byte})"/>, on the columns of an entity not built yet. Columns that
    /// would leave the entity over the service's 1 MiB even with the payload in a blob are cut first
    /// (<see cref="RecordEntities.FitColumns"/>): the record is stored, whole in its blob, rather than refused.
    /// </summary>
    public static bool TryAdd(IDictionary<string, object> entity, ReadOnlySpan<byte> utf8)
    {
        entity[Length] = BoxedLength(utf8.Length);
        var size = EntityLimits.EstimateSize(entity);
        if (size > ColumnsLimit)
        {
            size = RecordEntities.FitColumns(entity, ColumnsLimit);
        }

        var budget = EntityLimits.MaxEntityBytes - size - SafetyMargin;

        // UTF-8 never decodes to more characters than bytes: when the byte count fits, so does the text (no counting pass).
        // Valid UTF-8 is kept as its bytes until written (half the size of the string, no decoding: Utf8Text).
        if (FitsAsText(utf8.Length, budget) || FitsAsText(Utf8Text.CharCount(utf8), budget))
        {
            entity[Raw] = (object?)Utf8Text.TryCreate(utf8) ?? Encoding.UTF8.GetString(utf8);
            return true;
        }

        var compressed = Compress(utf8);
        var chunks = (compressed.Length + EntityLimits.MaxBinaryBytes - 1) / EntityLimits.MaxBinaryBytes;
        var needed = EntityLimits.Base64Length(compressed.Length) + (chunks * (8L + 4 + ((GzipPrefix.Length + 2) * 2L))) + 64;
        if (needed > budget || chunks > 99)
        {
            return false;
        }

        for (var i = 0; i < chunks; i++)
        {
            var start = i * EntityLimits.MaxBinaryBytes;
            var length = Math.Min(EntityLimits.MaxBinaryBytes, compressed.Length - start);
            entity[ChunkName(i)] = compressed.AsSpan(start, length).ToArray();
        }

        entity[GzipChunks] = chunks;
        return true;
    }

    /// <summary>
    /// The boxed byte count: records of a stream are mostly of a few hundred lengths, so each thread keeps the last box
    /// of each length modulo 1,024 instead of boxing a new <see cref="long"/> per row (issue 18).
    /// </summary>
    private static object BoxedLength(int length)
    {
        var boxes = t_lengths ??= new object?[1024];
        ref var slot = ref boxes[length & 1023];
        if (slot is long known && known == length)
        {
            return slot;
        }

        return slot = (long)length;
    }

    private static bool FitsAsText(int charCount, long budget) =>
        charCount <= EntityLimits.MaxStringChars && (charCount * 2L) + 64 < budget;

    /// <summary>Records that the payload lives in blob <paramref name="blobName"/>.</summary>
    public static void SetBlob(TableEntity entity, string blobName) => entity[Blob] = blobName;

    /// <summary>The readable copy, when the payload is kept as one (<see cref="Raw"/>, on a row read back or one not written yet).</summary>
    public static string? Text(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return entity.TryGetValue(Raw, out var raw) ? raw switch
        {
            string text => text,
            Utf8Text utf8 => utf8.ToString(),
            _ => null,
        } : null;
    }

    /// <summary>Reads the payload back (fetching the blob through <paramref name="store"/> when offloaded).</summary>
    public static async Task<byte[]?> ReadAsync(TableEntity entity, PayloadStore? store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        if (entity.TryGetValue(Raw, out var raw))
        {
            switch (raw)
            {
                case string text:
                    return Encoding.UTF8.GetBytes(text);
                case Utf8Text utf8:
                    return utf8.Utf8.ToArray();
            }
        }

        if (entity.GetInt32(GzipChunks) is int chunks and > 0)
        {
            using var compressed = new MemoryStream();
            for (var i = 0; i < chunks; i++)
            {
                var part = entity.GetBinary(ChunkName(i)) ?? throw new InvalidDataException($"Chunk {ChunkName(i)} is missing.");
                compressed.Write(part);
            }

            compressed.Position = 0;
            await using var gzip = new GZipStream(compressed, CompressionMode.Decompress);
            using var output = new MemoryStream();
            await gzip.CopyToAsync(output, cancellationToken);
            return output.ToArray();
        }

        if (entity.GetString(Blob) is { } blob && store is not null)
        {
            return await store.GetAsync(blob, cancellationToken);
        }

        return null;
    }

    private static string ChunkName(int index) => GzipPrefix + index.ToString("D2", System.Globalization.CultureInfo.InvariantCulture);

    private static byte[] Compress(ReadOnlySpan<byte> data)
    {
        using var output = new MemoryStream(data.Length / 4);
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }
}
