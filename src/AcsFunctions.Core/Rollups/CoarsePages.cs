using System.Globalization;
using System.IO.Compression;
using Azure.Data.Tables;
using AcsFunctions.Storage;

namespace AcsFunctions.Rollups;

/// <summary>
/// Pages: the coarse rows of one day packed into a few binary entities, so that a long query reads a handful of entities
/// per day instead of one per row. The <b>hour page</b> of a day holds every hourly row of that day (its 24 <c>H</c>
/// partitions), the <b>day page</b> its daily rows (its <c>D</c> partition). Pages live in a table of their own per
/// aggregate table (<see cref="TableNames.PagesOf"/>, e.g. <c>AggApiRequestsPages</c>): whoever reads an aggregate table
/// sees only aggregate rows, a page read scans no aggregate row, and pages have their own retention and health lines.
/// <para>
/// Keys: PartitionKey <c>P</c>yyyyMM (one partition per month, so a day's pages are replaced in one transaction), RowKey
/// <c>h</c>yyyyMMdd<c>.</c>NN (hour page) or <c>d</c>yyyyMMdd<c>.</c>NN (day page), NN the chunk. A page is a version
/// byte and the Deflate-compressed rows (a table of property names and one of texts, each stored once, then per row its
/// keys and every property with its type); it is split into binary properties of at most 64 KiB and into chunk entities
/// well under the entity limit. Every chunk carries the page's id (a hash of its bytes) and chunk count, so a page with a
/// missing or foreign chunk — or an unknown version — reads as absent, and the query reads the day's rows instead.
/// Written by the day recompute (<see cref="TierRollup"/>); used by queries only for days without a pending hour or day
/// mark (see docs/rollups.md). Stores written before pages had their own table (6 December) hold them in the aggregate
/// table itself under the same keys: queries no longer read them (those days are read from their rows until the roll-up
/// writes their pages again) and retention deletes them (tier <c>old-pages</c>).
/// </para>
/// </summary>
public static class CoarsePages
{
    /// <summary>The page format written; a page of any other version reads as absent.</summary>
    public const byte Version = 1;

    /// <summary>The RowKey letter of hour pages.</summary>
    public const char HourPage = 'h';

    /// <summary>The RowKey letter of day pages.</summary>
    public const char DayPage = 'd';

    /// <summary>Binary properties per chunk entity: 10 × 64 KiB, well under the 1 MiB entity limit (binary counts as base64).</summary>
    internal const int PropertiesPerChunk = 10;

    private const string IdColumn = "Page";
    private const string ChunksColumn = "Chunks";
    private const string DataColumn = "B";

    /// <summary>The PartitionKey of the pages of the month holding <paramref name="day"/>.</summary>
    public static string PartitionKey(DateTimeOffset day) => "P" + day.UtcDateTime.ToString("yyyyMM", CultureInfo.InvariantCulture);

    /// <summary>The RowKey prefix of a page's chunks: <c>h</c>yyyyMMdd<c>.</c> or <c>d</c>yyyyMMdd<c>.</c>.</summary>
    public static string RowKeyPrefix(char kind, DateTimeOffset day) => kind + DayText(day) + ".";

    /// <summary>The first RowKey after every chunk of <paramref name="kind"/>'s pages of days before <paramref name="day"/>.</summary>
    public static string RowKeyBound(char kind, DateTimeOffset day) => kind + DayText(day);

    /// <summary>The filter over the chunks of <paramref name="kind"/>'s pages of the days in <c>[from, to)</c>: one range query over the months they span.</summary>
    public static string RangeFilter(char kind, DateTimeOffset from, DateTimeOffset to)
    {
        var lastMonth = CoarseTiers.FloorDay(to.AddDays(-1));
        var monthEnd = new DateTimeOffset(lastMonth.Year, lastMonth.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
        return TableReads.PartitionRangeFilter(PartitionKey(from), PartitionKey(monthEnd))
            + TableClient.CreateQueryFilter($" and RowKey ge {RowKeyBound(kind, from)} and RowKey lt {RowKeyBound(kind, to)}");
    }

    /// <summary>The day a chunk's RowKey names, and its page kind; null for a key that is not a chunk's.</summary>
    public static (char Kind, DateTimeOffset Day)? DayOf(string rowKey)
    {
        ArgumentNullException.ThrowIfNull(rowKey);
        return rowKey.Length >= 9 && rowKey[0] is HourPage or DayPage
            && DateTimeOffset.TryParseExact(rowKey.AsSpan(1, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var day)
            ? (rowKey[0], day)
            : null;
    }

    private static string DayText(DateTimeOffset day) => CoarseTiers.FloorDay(day).ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>
    /// Packs rows (keys and every property but the ETag and Timestamp) into a page: the version byte, then the
    /// Deflate-compressed rows.
    /// </summary>
    /// <exception cref="NotSupportedException">A property has a type the Table service does not store.</exception>
    public static byte[] Pack(IEnumerable<TableEntity> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var strings = new Dictionary<string, int>(StringComparer.Ordinal);
        var body = new CompactWriter();
        var list = rows.ToList();
        body.WriteVarUInt((ulong)list.Count);
        foreach (var row in list)
        {
            WriteText(body, strings, row.PartitionKey);
            body.WriteString(row.RowKey);
            var properties = row.Where(p => p.Value is not null && !IsKeyOrMetadata(p.Key)).ToList();
            body.WriteVarUInt((ulong)properties.Count);
            foreach (var (name, value) in properties)
            {
                if (!names.TryGetValue(name, out var index))
                {
                    names[name] = index = names.Count;
                }

                body.WriteVarUInt((ulong)index);
                WriteValue(body, strings, name, value!);
            }
        }

        var header = new CompactWriter();
        foreach (var table in new[] { names, strings })
        {
            header.WriteVarUInt((ulong)table.Count);
            foreach (var text in table.OrderBy(n => n.Value).Select(n => n.Key))
            {
                header.WriteString(text);
            }
        }

        using var output = new MemoryStream();
        output.WriteByte(Version);
        // Optimal, not Fastest: pages are written once per day recompute and read by every long query; a quarter fewer
        // bytes keep the page read's response (base64 in JSON, buffered by the client) under the large-object size that
        // made every long query pay a gen-2 collection (docs/benchmarks.md, P5 third round). Same format: any Deflate reads.
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(header.ToArray());
            deflate.Write(body.ToArray());
        }

        return output.ToArray();
    }

    /// <summary>The rows of a page; null when its version is not <see cref="Version"/>.</summary>
    /// <exception cref="FormatException">The page is malformed.</exception>
    public static List<TableEntity>? Unpack(ReadOnlySpan<byte> page)
    {
        if (page.Length == 0 || page[0] != Version)
        {
            return null;
        }

        using var buffer = new MemoryStream(page.Length * 6);
        try
        {
            using var input = new MemoryStream(page[1..].ToArray(), writable: false);
            using var deflate = new DeflateStream(input, CompressionMode.Decompress);
            deflate.CopyTo(buffer);
        }
        catch (InvalidDataException ex)
        {
            throw new FormatException("A page is not valid Deflate data.", ex);
        }

        var reader = new CompactReader(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        var names = ReadTable(ref reader);
        var strings = ReadTable(ref reader);
        var rows = new List<TableEntity>(reader.ReadCount());
        for (var count = rows.Capacity; count > 0; count--)
        {
            var row = new TableEntity(ReadText(ref reader, strings), reader.ReadString());
            for (var properties = reader.ReadCount(); properties > 0; properties--)
            {
                var index = reader.ReadCount();
                if (index >= names.Length)
                {
                    throw new FormatException($"Property name {index} is not in the page's table of {names.Length}.");
                }

                row[names[index]] = ReadValue(ref reader, strings);
            }

            rows.Add(row);
        }

        if (!reader.AtEnd)
        {
            throw new FormatException("A page has bytes after its last row.");
        }

        return rows;
    }

    /// <summary>The chunk entities of a page: binary properties of at most 64 KiB, <see cref="PropertiesPerChunk"/> per entity.</summary>
    public static List<TableEntity> Chunks(char kind, DateTimeOffset day, byte[] page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var perChunk = PropertiesPerChunk * EntityLimits.MaxBinaryBytes;
        var count = Math.Max(1, (page.Length + perChunk - 1) / perChunk);
        if (count > 100)
        {
            throw new NotSupportedException($"A page of {page.Length:N0} bytes needs more than 100 chunks.");
        }

        var id = new Guid(System.Security.Cryptography.SHA256.HashData(page).AsSpan(0, 16)); // the same rows, the same page
        var chunks = new List<TableEntity>(count);
        for (var c = 0; c < count; c++)
        {
            var chunk = new TableEntity(PartitionKey(day), RowKeyPrefix(kind, day) + c.ToString("00", CultureInfo.InvariantCulture))
            {
                [IdColumn] = id,
                [ChunksColumn] = count,
            };
            var start = c * perChunk;
            var end = Math.Min(page.Length, start + perChunk);
            for (var (p, at) = (0, start); at < end; p++, at += EntityLimits.MaxBinaryBytes)
            {
                chunk[DataColumn + p.ToString("00", CultureInfo.InvariantCulture)] = page.AsSpan(at, Math.Min(EntityLimits.MaxBinaryBytes, end - at)).ToArray();
            }

            chunks.Add(chunk);
        }

        return chunks;
    }

    /// <summary>
    /// Reassembles the pages in <paramref name="chunks"/> (chunk entities as read, any order): per page kind and day, its
    /// rows, or null when the page is incomplete, mixed from two writes, or of an unknown version.
    /// </summary>
    public static Dictionary<(char Kind, DateTimeOffset Day), List<TableEntity>?> Read(IEnumerable<TableEntity> chunks)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        var pages = new Dictionary<(char, DateTimeOffset), List<TableEntity>?>();
        foreach (var page in chunks.Where(c => DayOf(c.RowKey) is not null).GroupBy(c => DayOf(c.RowKey)!.Value))
        {
            pages[page.Key] = Assemble([.. page.OrderBy(c => c.RowKey, StringComparer.Ordinal)]);
        }

        return pages;
    }

    /// <summary>
    /// Reassembles the pages in <paramref name="chunks"/> as <see cref="Read(IEnumerable{TableEntity})"/> does, but decodes
    /// each page straight from its bytes (pooled buffers, no <see cref="TableEntity"/> per row: the query path) into what
    /// <paramref name="read"/> makes of its rows, in page order, each with its PartitionKey; a row it returns null for
    /// is left out. A page that reads as null there reads as null here (damaged pages included: the whole page is
    /// decoded and checked before the first row is read), and so does a page with a row <paramref name="read"/> fails on
    /// with a format, argument, overflow or data error (a damaged value).
    /// </summary>
    public static Dictionary<(char Kind, DateTimeOffset Day), List<(string PartitionKey, T Item)>?> Read<T>(IEnumerable<TableEntity> chunks, PageRowReader<T> read)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(chunks);
        ArgumentNullException.ThrowIfNull(read);
        var pages = new Dictionary<(char, DateTimeOffset), List<(string, T)>?>();
        foreach (var page in chunks.Where(c => DayOf(c.RowKey) is not null).GroupBy(c => DayOf(c.RowKey)!.Value))
        {
            using var decoded = Decode([.. page.OrderBy(c => c.RowKey, StringComparer.Ordinal)]);
            if (decoded is null)
            {
                pages[page.Key] = null;
                continue;
            }

            pages[page.Key] = ReadRows(decoded, read);
        }

        return pages;
    }

    /// <summary>
    /// The rows of a decoded page as <paramref name="read"/> makes them; null when a row cannot be read (a damaged value,
    /// e.g. a histogram's bytes): the page is then as good as none and the day is read from its rows, as for any damage.
    /// </summary>
    private static List<(string, T)>? ReadRows<T>(DecodedPage decoded, PageRowReader<T> read)
        where T : class
    {
        var items = new List<(string, T)>(decoded.RowCount);
        try
        {
            for (var row = 0; row < decoded.RowCount; row++)
            {
                var pageRow = new PageRow(decoded, row);
                if (read(in pageRow) is { } item)
                {
                    items.Add((pageRow.PartitionKey, item));
                }
            }
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or ArgumentException or OverflowException or InvalidDataException)
        {
            return null;
        }

        return items;
    }

    /// <summary>
    /// One page's chunks decoded in place (<see cref="DecodedPage"/>); null when they are not one whole page or are
    /// damaged in any way, as <see cref="Assemble"/> reads them. A page in one binary column (most pages) is inflated
    /// from the column's bytes as read; a longer one is joined in a pooled buffer first.
    /// </summary>
    private static DecodedPage? Decode(List<TableEntity> chunks)
    {
        byte[]? joined = null;
        try
        {
            var id = chunks[0].GetGuid(IdColumn);
            var count = chunks[0].GetInt32(ChunksColumn);
            if (id is null || count != chunks.Count || chunks.Any(c => c.GetGuid(IdColumn) != id || c.GetInt32(ChunksColumn) != count))
            {
                return null;
            }

            var parts = new List<byte[]>();
            for (var c = 0; c < chunks.Count; c++)
            {
                if (!chunks[c].RowKey.EndsWith("." + c.ToString("00", CultureInfo.InvariantCulture), StringComparison.Ordinal))
                {
                    return null;
                }

                for (var p = 0; chunks[c].GetBinary(DataColumn + p.ToString("00", CultureInfo.InvariantCulture)) is { } part; p++)
                {
                    parts.Add(part);
                }
            }

            if (parts.Count == 1)
            {
                return DecodedPage.Decode(parts[0]);
            }

            var length = parts.Sum(p => (long)p.Length);
            joined = System.Buffers.ArrayPool<byte>.Shared.Rent((int)Math.Min(length, int.MaxValue));
            var at = 0;
            foreach (var part in parts)
            {
                part.CopyTo(joined, at);
                at += part.Length;
            }

            return DecodedPage.Decode(joined.AsMemory(0, at));
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or ArgumentException or OverflowException or OutOfMemoryException)
        {
            return null; // a damaged page is as good as none
        }
        finally
        {
            if (joined is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(joined);
            }
        }
    }

    /// <summary>
    /// The rows of one page's chunks; null when they are not one whole page or are damaged in any way (a column of the
    /// wrong type, a count or index out of range, bytes that are not a page): the day is then read from its rows.
    /// </summary>
    private static List<TableEntity>? Assemble(List<TableEntity> chunks)
    {
        try
        {
            return AssembleOrThrow(chunks);
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or ArgumentException or OverflowException or OutOfMemoryException)
        {
            return null; // a damaged page is as good as none
        }
    }

    private static List<TableEntity>? AssembleOrThrow(List<TableEntity> chunks)
    {
        var id = chunks[0].GetGuid(IdColumn);
        var count = chunks[0].GetInt32(ChunksColumn);
        if (id is null || count != chunks.Count || chunks.Any(c => c.GetGuid(IdColumn) != id || c.GetInt32(ChunksColumn) != count))
        {
            return null;
        }

        using var data = new MemoryStream();
        for (var c = 0; c < chunks.Count; c++)
        {
            if (!chunks[c].RowKey.EndsWith("." + c.ToString("00", CultureInfo.InvariantCulture), StringComparison.Ordinal))
            {
                return null;
            }

            for (var p = 0; chunks[c].GetBinary(DataColumn + p.ToString("00", CultureInfo.InvariantCulture)) is { } part; p++)
            {
                data.Write(part);
            }
        }

        return Unpack(data.GetBuffer().AsSpan(0, (int)data.Length));
    }

    private static bool IsKeyOrMetadata(string name) => name is "PartitionKey" or "RowKey" or "Timestamp" or "odata.etag";

    private static string[] ReadTable(ref CompactReader reader)
    {
        var table = new string[reader.ReadCount()];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = reader.ReadString();
        }

        return table;
    }

    /// <summary>A string as its index in the page's table of strings (each text stored once: resource, category, status…).</summary>
    private static void WriteText(CompactWriter writer, Dictionary<string, int> strings, string text)
    {
        if (!strings.TryGetValue(text, out var index))
        {
            strings[text] = index = strings.Count;
        }

        writer.WriteVarUInt((ulong)index);
    }

    private static string ReadText(ref CompactReader reader, string[] strings)
    {
        var index = reader.ReadCount();
        return index < strings.Length ? strings[index] : throw new FormatException($"String {index} is not in the page's table of {strings.Length}.");
    }

    private static void WriteValue(CompactWriter writer, Dictionary<string, int> strings, string name, object value)
    {
        switch (value)
        {
            case string s:
                writer.WriteByte((byte)PageTag.String);
                WriteText(writer, strings, s);
                break;
            case int i:
                writer.WriteByte((byte)PageTag.Int32);
                writer.WriteVarInt(i);
                break;
            case long l:
                writer.WriteByte((byte)PageTag.Int64);
                writer.WriteVarInt(l);
                break;
            case double d:
                writer.WriteByte((byte)PageTag.Double);
                writer.WriteDouble(d);
                break;
            case bool b:
                writer.WriteByte((byte)PageTag.Bool);
                writer.WriteByte(b ? (byte)1 : (byte)0);
                break;
            case DateTimeOffset t:
                writer.WriteByte((byte)PageTag.Time);
                writer.WriteVarInt(t.UtcTicks);
                break;
            case DateTime t:
                writer.WriteByte((byte)PageTag.Time);
                writer.WriteVarInt(DateTime.SpecifyKind(t, t.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : t.Kind).ToUniversalTime().Ticks);
                break;
            case byte[] bytes:
                WriteBinary(writer, bytes);
                break;
            case BinaryData binary:
                WriteBinary(writer, binary.ToArray());
                break;
            case Guid g:
                writer.WriteByte((byte)PageTag.Guid);
                writer.WriteBytes(g.ToByteArray());
                break;
            default:
                throw new NotSupportedException($"Column '{name}' holds a {value.GetType().Name}, which a page does not store.");
        }
    }

    private static void WriteBinary(CompactWriter writer, byte[] bytes)
    {
        writer.WriteByte((byte)PageTag.Binary);
        writer.WriteVarUInt((ulong)bytes.Length);
        writer.WriteBytes(bytes);
    }

    private static object ReadValue(ref CompactReader reader, string[] strings)
    {
        var tag = (PageTag)reader.ReadByte();
        switch (tag)
        {
            case PageTag.String:
                return ReadText(ref reader, strings);
            case PageTag.Int32:
                var i = reader.ReadVarInt();
                return i is >= int.MinValue and <= int.MaxValue ? (int)i : throw new FormatException($"Int32 value {i} is out of range.");
            case PageTag.Int64:
                return reader.ReadVarInt();
            case PageTag.Double:
                return reader.ReadDouble();
            case PageTag.Bool:
                return reader.ReadByte() != 0;
            case PageTag.Time:
                var ticks = reader.ReadVarInt();
                return ticks is >= 0 and <= 3155378975999999999 ? new DateTimeOffset(ticks, TimeSpan.Zero) : throw new FormatException($"Time {ticks} is out of range.");
            case PageTag.Binary:
                return reader.ReadBytes(reader.ReadCount());
            case PageTag.Guid:
                return new Guid(reader.ReadBytes(16));
            default:
                throw new FormatException($"Unknown value type {(byte)tag} in a page.");
        }
    }
}
