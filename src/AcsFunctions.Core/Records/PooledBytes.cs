using System.Buffers;

namespace AcsFunctions.Records;

/// <summary>
/// A growable byte buffer in an array rented from <see cref="ArrayPool{T}.Shared"/>: the canonical form of a record
/// (<see cref="CanonicalBuffer"/>), a rewritten record (<c>RecordRewrite</c>). One per thread and use; rent, write,
/// then return or detach the array.
/// </summary>
internal sealed class PooledBytes
{
    private byte[] _array = [];

    /// <summary>Bytes written.</summary>
    public int Length { get; set; }

    /// <summary>The written bytes.</summary>
    public Span<byte> Written => _array.AsSpan(0, Length);

    /// <summary>The array written into (valid until the next write that grows it).</summary>
    public byte[] Array => _array;

    /// <summary>Rents an array of at least <paramref name="capacity"/> bytes and starts empty.</summary>
    public void Rent(int capacity)
    {
        _array = ArrayPool<byte>.Shared.Rent(capacity);
        Length = 0;
    }

    /// <summary>Returns the array to the pool.</summary>
    public void Return()
    {
        if (_array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_array);
            _array = [];
        }
    }

    /// <summary>Hands the array over to the caller (who returns it to the pool); the buffer is empty afterwards.</summary>
    public byte[] Detach()
    {
        var array = _array;
        _array = [];
        return array;
    }

    /// <summary>Writes one byte.</summary>
    public void Append(byte value)
    {
        Ensure(1);
        _array[Length++] = value;
    }

    /// <summary>Writes bytes.</summary>
    public void Append(ReadOnlySpan<byte> value)
    {
        Ensure(value.Length);
        value.CopyTo(_array.AsSpan(Length));
        Length += value.Length;
    }

    /// <summary>Room for <paramref name="more"/> bytes at the end, to be written through the returned span (then add to <see cref="Length"/>).</summary>
    public Span<byte> Reserve(int more)
    {
        Ensure(more);
        return _array.AsSpan(Length, more);
    }

    private void Ensure(int more)
    {
        if (Length + more <= _array.Length)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_array.Length * 2, Length + more));
        _array.AsSpan(0, Length).CopyTo(larger);
        if (_array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_array);
        }

        _array = larger;
    }
}
