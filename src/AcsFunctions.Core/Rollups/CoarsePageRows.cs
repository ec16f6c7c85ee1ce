using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using Azure.Data.Tables;

namespace AcsFunctions.Rollups;

/// <summary>
/// Reads one column-typed value of a stored row the way its reader reads it from a <see cref="TableEntity"/>, for the
/// rows of a page decoded straight from its bytes (<see cref="CoarsePages.Read{T}"/>).
/// </summary>
/// <typeparam name="T">What the caller makes of a row.</typeparam>
/// <param name="row">The row, valid only during the call.</param>
/// <returns>The item, or null to leave the row out.</returns>
public delegate T? PageRowReader<T>(in PageRow row)
    where T : class;

/// <summary>
/// One row of a page as decoded from its bytes, without a <see cref="TableEntity"/>: its keys and typed reads of its
/// columns with the semantics of the entity reads they replace (<see cref="EntityValues"/> and the
/// <see cref="TableEntity"/> getters: the stored type read directly, any other type read through a one-column entity,
/// so the answer is the same either way). Valid only inside the <see cref="PageRowReader{T}"/> call it is given to.
/// </summary>
public readonly ref struct PageRow
{
    private readonly DecodedPage _page;
    private readonly int _row;

    internal PageRow(DecodedPage page, int row)
    {
        _page = page;
        _row = row;
    }

    /// <summary>The row's PartitionKey.</summary>
    public string PartitionKey => _page.PartitionKeyOf(_row);

    /// <summary>The row's RowKey (decoded on each read).</summary>
    public string RowKey => _page.RowKeyOf(_row);

    /// <summary>A column as <see cref="EntityValues.Text"/> reads it: null when absent or empty; other types as invariant text.</summary>
    public string? Text(string column)
    {
        var at = _page.Find(_row, column);
        return at < 0 ? null
            : _page.TagAt(at) == PageTag.String ? NullIfEmpty(_page.StringAt(at))
            : EntityValues.Text(One(column, at), column);
    }

    /// <summary>True when the column is present and its value is the string <paramref name="value"/> (ordinal): the service's equality filter.</summary>
    public bool IsString(string column, string value)
    {
        var at = _page.Find(_row, column);
        return at >= 0 && _page.TagAt(at) == PageTag.String && string.Equals(_page.StringAt(at), value, StringComparison.Ordinal);
    }

    /// <summary>A column as <see cref="TableEntity.GetInt64"/> reads it.</summary>
    public long? Int64(string column)
    {
        var at = _page.Find(_row, column);
        return at < 0 ? null : _page.TagAt(at) == PageTag.Int64 ? _page.IntegerAt(at) : One(column, at).GetInt64(column);
    }

    /// <summary>A column as <see cref="TableEntity.GetDouble"/> reads it.</summary>
    public double? Double(string column)
    {
        var at = _page.Find(_row, column);
        return at < 0 ? null : _page.TagAt(at) == PageTag.Double ? BitConverter.Int64BitsToDouble(_page.IntegerAt(at)) : One(column, at).GetDouble(column);
    }

    /// <summary>A column as <see cref="EntityValues.Time"/> reads it (UTC).</summary>
    public DateTimeOffset? Time(string column)
    {
        var at = _page.Find(_row, column);
        return at < 0 ? null : _page.TagAt(at) == PageTag.Time ? new DateTimeOffset(_page.IntegerAt(at), TimeSpan.Zero) : EntityValues.Time(One(column, at), column);
    }

    /// <summary>A column as <see cref="EntityValues.Number"/> reads it.</summary>
    public double? Number(string column)
    {
        var at = _page.Find(_row, column);
        return at < 0 ? null : EntityValues.Number(One(column, at), column);
    }

    /// <summary>A binary column's bytes, read in place (no copy); false when absent. Any other type reads as <see cref="TableEntity.GetBinary"/> does.</summary>
    public bool TryGetBinary(string column, out ReadOnlySpan<byte> bytes)
    {
        var at = _page.Find(_row, column);
        if (at < 0)
        {
            bytes = default;
            return false;
        }

        if (_page.TagAt(at) == PageTag.Binary)
        {
            bytes = _page.BinaryAt(at);
            return true;
        }

        var other = One(column, at).GetBinary(column);
        bytes = other;
        return other is not null;
    }

    /// <summary>The row as a <see cref="TableEntity"/>: keys and every column, as <see cref="CoarsePages.Unpack"/> reads it.</summary>
    public TableEntity ToEntity()
    {
        var entity = new TableEntity(PartitionKey, RowKey);
        var (start, count) = _page.PropertiesOf(_row);
        for (var at = start; at < start + count; at++)
        {
            entity[_page.NameAt(at)] = _page.ValueAt(at);
        }

        return entity;
    }

    private TableEntity One(string column, int at) => new() { [column] = _page.ValueAt(at) };

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;
}

/// <summary>The value types of a page (the tags <see cref="CoarsePages.Pack"/> writes).</summary>
internal enum PageTag : byte
{
    String = 1,
    Int32 = 2,
    Int64 = 3,
    Double = 4,
    Bool = 5,
    Time = 6,
    Binary = 7,
    Guid = 8,
}

/// <summary>
/// One page decoded in place: the Deflate stream inflated into a pooled buffer, its tables of names and texts read
/// once, and per row only where its keys and columns are (a name index, a tag and a payload per column, in pooled
/// arrays). Values are read from those on demand; binary values stay in the buffer. Return it with <see cref="Dispose"/>.
/// </summary>
internal sealed class DecodedPage : IDisposable
{
    private byte[] _data = [];
    private int _length;
    private string[] _names = [];
    private string[] _strings = [];
    private Dictionary<string, int>? _nameIndex;
    private int _rowCount;
    private int[] _rowPartition = [];   // string index of the PartitionKey
    private int[] _rowKeyAt = [];       // offset of the RowKey's length prefix
    private int[] _rowFirst = [];       // first property
    private int _propertyCount;
    private int[] _propertyName = [];
    private byte[] _propertyTag = [];
    private long[] _propertyValue = []; // integer, ticks, double bits, string index, or offset of binary/Guid bytes
    private int[] _propertyLength = []; // binary length

    public int RowCount => _rowCount;

    /// <summary>
    /// Decodes a page (version byte then Deflate data); null when its version is not <see cref="CoarsePages.Version"/>.
    /// </summary>
    /// <exception cref="FormatException">The page is malformed.</exception>
    public static DecodedPage? Decode(ReadOnlyMemory<byte> page)
    {
        if (page.Length == 0 || page.Span[0] != CoarsePages.Version)
        {
            return null;
        }

        var decoded = new DecodedPage();
        try
        {
            decoded.Inflate(page[1..], page.Length * 6);
            decoded.Parse();
            return decoded;
        }
        catch
        {
            decoded.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Return(ref _data);
        Return(ref _rowPartition);
        Return(ref _rowKeyAt);
        Return(ref _rowFirst);
        Return(ref _propertyName);
        Return(ref _propertyTag);
        Return(ref _propertyValue);
        Return(ref _propertyLength);
    }

    public string PartitionKeyOf(int row) => _strings[_rowPartition[row]];

    public string RowKeyOf(int row)
    {
        var at = _rowKeyAt[row];
        var length = ReadCount(ref at);
        return System.Text.Encoding.UTF8.GetString(_data, at, length);
    }

    public (int Start, int Count) PropertiesOf(int row) =>
        (_rowFirst[row], (row + 1 < _rowCount ? _rowFirst[row + 1] : _propertyCount) - _rowFirst[row]);

    /// <summary>The property of <paramref name="row"/> named <paramref name="column"/>; -1 when the row has none.</summary>
    public int Find(int row, string column)
    {
        _nameIndex ??= BuildNameIndex();
        if (!_nameIndex.TryGetValue(column, out var name))
        {
            return -1;
        }

        var (start, count) = PropertiesOf(row);
        for (var at = start; at < start + count; at++)
        {
            if (_propertyName[at] == name)
            {
                return at;
            }
        }

        return -1;
    }

    public PageTag TagAt(int at) => (PageTag)_propertyTag[at];

    public string NameAt(int at) => _names[_propertyName[at]];

    public long IntegerAt(int at) => _propertyValue[at];

    public string StringAt(int at) => _strings[_propertyValue[at]];

    public ReadOnlySpan<byte> BinaryAt(int at) => _data.AsSpan((int)_propertyValue[at], _propertyLength[at]);

    /// <summary>The value as <see cref="CoarsePages.Unpack"/> gives it (boxed).</summary>
    public object ValueAt(int at) => TagAt(at) switch
    {
        PageTag.String => StringAt(at),
        PageTag.Int32 => (int)IntegerAt(at),
        PageTag.Int64 => IntegerAt(at),
        PageTag.Double => BitConverter.Int64BitsToDouble(IntegerAt(at)),
        PageTag.Bool => IntegerAt(at) != 0,
        PageTag.Time => new DateTimeOffset(IntegerAt(at), TimeSpan.Zero),
        PageTag.Binary => BinaryAt(at).ToArray(),
        PageTag.Guid => new Guid(BinaryAt(at)),
        _ => throw new InvalidOperationException($"Unknown tag {TagAt(at)}."),
    };

    private Dictionary<string, int> BuildNameIndex()
    {
        var index = new Dictionary<string, int>(_names.Length, StringComparer.Ordinal);
        for (var i = 0; i < _names.Length; i++)
        {
            index.TryAdd(_names[i], i); // a name twice in the table: the first, as a row's lookup of it would find
        }

        return index;
    }

    private void Inflate(ReadOnlyMemory<byte> compressed, int estimate)
    {
        _data = ArrayPool<byte>.Shared.Rent(Math.Max(256, estimate));
        try
        {
            using var input = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(compressed, out var segment)
                ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
                : new MemoryStream(compressed.ToArray(), writable: false);
            using var deflate = new DeflateStream(input, CompressionMode.Decompress);
            int read;
            while ((read = deflate.Read(_data, _length, _data.Length - _length)) > 0)
            {
                _length += read;
                if (_length == _data.Length)
                {
                    Grow(ref _data, _data.Length * 2, _length);
                }
            }
        }
        catch (InvalidDataException ex)
        {
            throw new FormatException("A page is not valid Deflate data.", ex);
        }
    }

    private void Parse()
    {
        var at = 0;
        _names = ReadTable(ref at);
        _strings = ReadTable(ref at);
        _rowCount = ReadCount(ref at);
        if (_rowCount > _length)
        {
            throw new FormatException($"A page of {_length} bytes cannot hold {_rowCount} rows.");
        }

        _rowPartition = ArrayPool<int>.Shared.Rent(Math.Max(1, _rowCount));
        _rowKeyAt = ArrayPool<int>.Shared.Rent(Math.Max(1, _rowCount));
        _rowFirst = ArrayPool<int>.Shared.Rent(Math.Max(1, _rowCount));
        var capacity = Math.Max(16, Math.Min(_rowCount * 24, _length / 2)); // a column takes two bytes at least
        _propertyName = ArrayPool<int>.Shared.Rent(capacity);
        _propertyTag = ArrayPool<byte>.Shared.Rent(capacity);
        _propertyValue = ArrayPool<long>.Shared.Rent(capacity);
        _propertyLength = ArrayPool<int>.Shared.Rent(capacity);
        for (var row = 0; row < _rowCount; row++)
        {
            _rowPartition[row] = StringIndex(ref at);
            _rowKeyAt[row] = at;
            var keyLength = ReadCount(ref at);
            Require(at, keyLength);
            at += keyLength;
            _rowFirst[row] = _propertyCount;
            for (var properties = ReadCount(ref at); properties > 0; properties--)
            {
                var name = ReadCount(ref at);
                if (name >= _names.Length)
                {
                    throw new FormatException($"Property name {name} is not in the page's table of {_names.Length}.");
                }

                if (_propertyCount == _propertyName.Length)
                {
                    var size = _propertyCount * 2;
                    Grow(ref _propertyName, size, _propertyCount);
                    Grow(ref _propertyTag, size, _propertyCount);
                    Grow(ref _propertyValue, size, _propertyCount);
                    Grow(ref _propertyLength, size, _propertyCount);
                }

                var p = _propertyCount++;
                _propertyName[p] = name;
                _propertyLength[p] = 0;
                ReadValue(ref at, p);
            }
        }

        if (at != _length)
        {
            throw new FormatException("A page has bytes after its last row.");
        }
    }

    private void ReadValue(ref int at, int p)
    {
        Require(at, 1);
        var tag = (PageTag)_data[at++];
        _propertyTag[p] = (byte)tag;
        switch (tag)
        {
            case PageTag.String:
                _propertyValue[p] = StringIndex(ref at);
                break;
            case PageTag.Int32:
                var i = ReadVarInt(ref at);
                _propertyValue[p] = i is >= int.MinValue and <= int.MaxValue ? i : throw new FormatException($"Int32 value {i} is out of range.");
                break;
            case PageTag.Int64:
                _propertyValue[p] = ReadVarInt(ref at);
                break;
            case PageTag.Double:
                Require(at, 8);
                _propertyValue[p] = BitConverter.DoubleToInt64Bits(BinaryPrimitives.ReadDoubleLittleEndian(_data.AsSpan(at, 8)));
                at += 8;
                break;
            case PageTag.Bool:
                Require(at, 1);
                _propertyValue[p] = _data[at++] != 0 ? 1 : 0;
                break;
            case PageTag.Time:
                var ticks = ReadVarInt(ref at);
                _propertyValue[p] = ticks is >= 0 and <= 3155378975999999999 ? ticks : throw new FormatException($"Time {ticks} is out of range.");
                break;
            case PageTag.Binary:
                var length = ReadCount(ref at);
                Require(at, length);
                (_propertyValue[p], _propertyLength[p]) = (at, length);
                at += length;
                break;
            case PageTag.Guid:
                Require(at, 16);
                (_propertyValue[p], _propertyLength[p]) = (at, 16);
                at += 16;
                break;
            default:
                throw new FormatException($"Unknown value type {(byte)tag} in a page.");
        }
    }

    private string[] ReadTable(ref int at)
    {
        var count = ReadCount(ref at);
        if (count > _length)
        {
            throw new FormatException($"A table of {count} texts in a page of {_length} bytes.");
        }

        var table = new string[count];
        for (var i = 0; i < table.Length; i++)
        {
            var length = ReadCount(ref at);
            Require(at, length);
            table[i] = System.Text.Encoding.UTF8.GetString(_data, at, length);
            at += length;
        }

        return table;
    }

    private int StringIndex(ref int at)
    {
        var index = ReadCount(ref at);
        return index < _strings.Length ? index : throw new FormatException($"String {index} is not in the page's table of {_strings.Length}.");
    }

    private long ReadVarInt(ref int at)
    {
        var raw = ReadVarUInt(ref at);
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    private int ReadCount(ref int at)
    {
        var value = ReadVarUInt(ref at);
        return value <= int.MaxValue ? (int)value : throw new FormatException($"Count {value} is out of range.");
    }

    private ulong ReadVarUInt(ref int at)
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            Require(at, 1);
            var b = _data[at++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw new FormatException("A varint is longer than 10 bytes.");
    }

    private void Require(int at, int count)
    {
        if (count < 0 || at + count > _length)
        {
            throw new FormatException("A page is truncated.");
        }
    }

    private static void Grow<TItem>(ref TItem[] array, int size, int keep)
    {
        var larger = ArrayPool<TItem>.Shared.Rent(size);
        Array.Copy(array, larger, keep);
        ArrayPool<TItem>.Shared.Return(array);
        array = larger;
    }

    private static void Return<TItem>(ref TItem[] array)
    {
        if (array.Length > 0)
        {
            ArrayPool<TItem>.Shared.Return(array);
        }

        array = [];
    }
}
