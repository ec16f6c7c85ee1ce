using System.Buffers.Binary;

namespace AcsFunctions.Rollups;

/// <summary>Reads what <see cref="CompactWriter"/> wrote; malformed input throws <see cref="FormatException"/>.</summary>
public ref struct CompactReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    /// <summary>Creates a reader over <paramref name="data"/>.</summary>
    public CompactReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    /// <summary>True when every byte was read.</summary>
    public readonly bool AtEnd => _position >= _data.Length;

    /// <summary>Reads an unsigned varint.</summary>
    public ulong ReadVarUInt()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = ReadByte();
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw new FormatException("A varint is longer than 10 bytes.");
    }

    /// <summary>Reads a signed (zig-zag) varint.</summary>
    public long ReadVarInt()
    {
        var raw = ReadVarUInt();
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    /// <summary>Reads a varint that must fit a non-negative <see cref="int"/> (a count or a length).</summary>
    public int ReadCount()
    {
        var value = ReadVarUInt();
        return value <= int.MaxValue ? (int)value : throw new FormatException($"Count {value} is out of range.");
    }

    /// <summary>Reads a double.</summary>
    public double ReadDouble()
    {
        Require(8);
        var value = BinaryPrimitives.ReadDoubleLittleEndian(_data.Slice(_position, 8));
        _position += 8;
        return value;
    }

    /// <summary>Reads one byte.</summary>
    public byte ReadByte()
    {
        Require(1);
        return _data[_position++];
    }

    /// <summary>Reads <paramref name="count"/> bytes.</summary>
    public byte[] ReadBytes(int count)
    {
        Require(count);
        var value = _data.Slice(_position, count).ToArray();
        _position += count;
        return value;
    }

    /// <summary>Reads a length-prefixed UTF-8 string.</summary>
    public string ReadString()
    {
        var count = ReadCount();
        Require(count);
        var value = System.Text.Encoding.UTF8.GetString(_data.Slice(_position, count));
        _position += count;
        return value;
    }

    private readonly void Require(int count)
    {
        if (_position + count > _data.Length)
        {
            throw new FormatException("The serialized roll-up state is truncated.");
        }
    }
}
