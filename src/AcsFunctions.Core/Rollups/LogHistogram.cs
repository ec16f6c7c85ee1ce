namespace AcsFunctions.Rollups;

/// <summary>
/// A mergeable, log-bucketed histogram of non-negative values (DDSketch-style). A value <c>x &gt; 0</c> goes to
/// bucket <c>i = ceil(log_γ x)</c> with <c>γ = (1 + α) / (1 − α)</c>, α = <see cref="RelativeAccuracy"/>; the
/// bucket's representative value <c>2γ^i / (γ + 1)</c> is within α (1%) of every value in it, so every quantile
/// is within 1% of the exact order statistic. Values at or below <see cref="MinPositive"/> (zeros, and negatives,
/// which a duration cannot be) are counted in a zero bucket. Merging adds bucket counts exactly, so the merge of
/// many 1-minute histograms is the histogram of all their values. The buckets are two sorted arrays (index, count), so
/// reading one from its bytes and merging two are linear, with no allocation per bucket. Not thread-safe.
/// </summary>
public sealed class LogHistogram
{
    /// <summary>The relative accuracy α of every quantile.</summary>
    public const double RelativeAccuracy = 0.01;

    /// <summary>Values at or below this count as zero.</summary>
    public const double MinPositive = 1e-9;

    private const byte FormatVersion = 1;
    private static readonly double _gamma = (1 + RelativeAccuracy) / (1 - RelativeAccuracy);
    private static readonly double _logGamma = Math.Log(_gamma);

    private int[] _indexes = [];
    private long[] _counts = [];
    private int _length;

    /// <summary>Number of values added.</summary>
    public long Count { get; private set; }

    /// <summary>Number of values counted as zero.</summary>
    public long ZeroCount { get; private set; }

    /// <summary>Number of non-empty buckets (besides the zero bucket).</summary>
    public int BucketCount => _length;

    /// <summary>Adds <paramref name="count"/> occurrences of <paramref name="value"/>; NaN and infinities are ignored.</summary>
    public void Add(double value, long count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0 || !double.IsFinite(value))
        {
            return;
        }

        Count += count;
        if (value <= MinPositive)
        {
            ZeroCount += count;
            return;
        }

        var index = IndexOf(value);
        var at = Array.BinarySearch(_indexes, 0, _length, index);
        if (at >= 0)
        {
            _counts[at] += count;
        }
        else
        {
            Insert(~at, index, count);
        }
    }

    /// <summary>Adds every bucket of <paramref name="other"/> (exact).</summary>
    public void Merge(LogHistogram other)
    {
        Count += other.Count;
        ZeroCount += other.ZeroCount;
        if (other._length == 0)
        {
            return;
        }

        if (_length == 0)
        {
            _indexes = other._indexes[..other._length];
            _counts = other._counts[..other._length];
            _length = other._length;
            return;
        }

        // Both sorted: one pass over the two, into arrays of the union's size.
        var indexes = new int[_length + other._length];
        var counts = new long[indexes.Length];
        var (i, j, n) = (0, 0, 0);
        while (i < _length || j < other._length)
        {
            if (j == other._length || (i < _length && _indexes[i] < other._indexes[j]))
            {
                (indexes[n], counts[n]) = (_indexes[i], _counts[i]);
                i++;
            }
            else if (i == _length || other._indexes[j] < _indexes[i])
            {
                (indexes[n], counts[n]) = (other._indexes[j], other._counts[j]);
                j++;
            }
            else
            {
                (indexes[n], counts[n]) = (_indexes[i], _counts[i] + other._counts[j]);
                i++;
                j++;
            }

            n++;
        }

        (_indexes, _counts, _length) = (indexes, counts, n);
    }

    /// <summary>
    /// The <paramref name="quantile"/> (0–1) by the nearest-rank definition — the value at 1-based rank
    /// <c>max(1, ceil(q·n))</c> of the sorted values — within <see cref="RelativeAccuracy"/>; null when empty.
    /// </summary>
    public double? Quantile(double quantile)
    {
        if (Count == 0)
        {
            return null;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(quantile, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantile, 1.0);
        var rank = Math.Max(1L, (long)Math.Ceiling(quantile * Count));
        if (rank <= ZeroCount)
        {
            return 0;
        }

        var seen = ZeroCount;
        for (var i = 0; i < _length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return ValueOf(_indexes[i]);
            }
        }

        return ValueOf(_indexes[_length - 1]);
    }

    /// <summary>The compact binary form: version, zero count, then (index delta, count) per bucket as varints.</summary>
    public byte[] ToBytes()
    {
        var writer = new CompactWriter();
        Write(writer);
        return writer.ToArray();
    }

    /// <summary>Writes the compact form into <paramref name="writer"/>.</summary>
    public void Write(CompactWriter writer)
    {
        writer.WriteByte(FormatVersion);
        writer.WriteVarUInt((ulong)ZeroCount);
        writer.WriteVarUInt((ulong)_length);
        var previous = 0L;
        for (var i = 0; i < _length; i++)
        {
            writer.WriteVarInt(_indexes[i] - previous);
            writer.WriteVarUInt((ulong)_counts[i]);
            previous = _indexes[i];
        }
    }

    /// <summary>Reads the form written by <see cref="ToBytes"/>.</summary>
    /// <exception cref="FormatException">The bytes are not a histogram of this format.</exception>
    public static LogHistogram FromBytes(ReadOnlySpan<byte> data)
    {
        var reader = new CompactReader(data);
        var histogram = Read(ref reader);
        return reader.AtEnd ? histogram : throw new FormatException("Trailing bytes after the histogram.");
    }

    /// <summary>Reads one histogram from <paramref name="reader"/>.</summary>
    /// <exception cref="FormatException">The bytes are not a histogram of this format.</exception>
    public static LogHistogram Read(ref CompactReader reader)
    {
        var version = reader.ReadByte();
        if (version != FormatVersion)
        {
            throw new FormatException($"Unknown histogram format version {version}.");
        }

        var histogram = new LogHistogram { ZeroCount = (long)reader.ReadVarUInt() };
        histogram.Count = histogram.ZeroCount;
        var buckets = reader.ReadCount();
        histogram._indexes = new int[buckets];
        histogram._counts = new long[buckets];
        var index = 0L;
        for (var i = 0; i < buckets; i++)
        {
            index += reader.ReadVarInt();
            var count = (long)reader.ReadVarUInt();
            if (index is < int.MinValue or > int.MaxValue || count <= 0)
            {
                throw new FormatException("A histogram bucket is out of range.");
            }

            if (histogram._length == 0 || index > histogram._indexes[histogram._length - 1])
            {
                (histogram._indexes[histogram._length], histogram._counts[histogram._length]) = ((int)index, count);
                histogram._length++;
            }
            else
            {
                histogram.Put((int)index, count); // not written by Write (ascending): as before, the last count of an index stands
            }

            histogram.Count += count;
        }

        return histogram;
    }

    /// <summary>Sets the count of a bucket (inserted in order when new).</summary>
    private void Put(int index, long count)
    {
        var at = Array.BinarySearch(_indexes, 0, _length, index);
        if (at >= 0)
        {
            _counts[at] = count;
        }
        else
        {
            Insert(~at, index, count);
        }
    }

    private void Insert(int at, int index, long count)
    {
        if (_length == _indexes.Length)
        {
            var capacity = Math.Max(4, _length * 2);
            Array.Resize(ref _indexes, capacity);
            Array.Resize(ref _counts, capacity);
        }

        Array.Copy(_indexes, at, _indexes, at + 1, _length - at);
        Array.Copy(_counts, at, _counts, at + 1, _length - at);
        (_indexes[at], _counts[at]) = (index, count);
        _length++;
    }

    private static int IndexOf(double value) => (int)Math.Ceiling(Math.Log(value) / _logGamma);

    private static double ValueOf(int index) => 2 * Math.Exp(index * _logGamma) / (_gamma + 1);
}
