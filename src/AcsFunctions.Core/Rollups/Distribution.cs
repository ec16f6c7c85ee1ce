using Azure.Data.Tables;

namespace AcsFunctions.Rollups;

/// <summary>
/// Exact count, sum, minimum and maximum of a metric plus its <see cref="LogHistogram"/> for percentiles.
/// Mergeable: merging the distributions of two sets of values gives the distribution of their union.
/// Stored on an aggregate entity as the columns <c>&lt;Name&gt;Count</c>, <c>Sum</c>, <c>Min</c>, <c>Max</c>
/// and <c>Histogram</c> (binary).
/// </summary>
public sealed class Distribution
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Count, string Sum, string Min, string Max, string Histogram)> _columns = new(StringComparer.Ordinal);

    /// <summary>The histogram of the values.</summary>
    public LogHistogram Histogram { get; private set; } = new();

    /// <summary>Number of values.</summary>
    public long Count { get; private set; }

    /// <summary>Sum of the values.</summary>
    public double Sum { get; private set; }

    /// <summary>Smallest value (null when empty).</summary>
    public double? Min { get; private set; }

    /// <summary>Largest value (null when empty).</summary>
    public double? Max { get; private set; }

    /// <summary>Mean (null when empty).</summary>
    public double? Average => Count == 0 ? null : Sum / Count;

    /// <summary>Adds a value; null, NaN and infinities are ignored.</summary>
    public void Add(double? value)
    {
        if (value is not { } v || !double.IsFinite(v))
        {
            return;
        }

        Count++;
        Sum += v;
        Min = Min is { } min ? Math.Min(min, v) : v;
        Max = Max is { } max ? Math.Max(max, v) : v;
        Histogram.Add(v);
    }

    /// <summary>Adds every value of <paramref name="other"/>.</summary>
    public void Merge(Distribution other)
    {
        if (other.Count == 0)
        {
            return;
        }

        Count += other.Count;
        Sum += other.Sum;
        Min = Min is { } min && other.Min is { } omin ? Math.Min(min, omin) : Min ?? other.Min;
        Max = Max is { } max && other.Max is { } omax ? Math.Max(max, omax) : Max ?? other.Max;
        Histogram.Merge(other.Histogram);
    }

    /// <summary>A percentile (0–1) from the histogram, kept within [<see cref="Min"/>, <see cref="Max"/>]; null when empty.</summary>
    public double? Quantile(double quantile) =>
        Histogram.Quantile(quantile) is { } q && Min is { } min && Max is { } max ? Math.Clamp(q, min, max) : null;

    /// <summary>Writes the columns <c>&lt;name&gt;Count/Sum/Min/Max/Histogram</c> (only Count when empty).</summary>
    public void WriteTo(TableEntity entity, string name)
    {
        entity[name + "Count"] = Count;
        if (Count == 0)
        {
            return;
        }

        entity[name + "Sum"] = Sum;
        entity[name + "Min"] = Min;
        entity[name + "Max"] = Max;
        entity[name + "Histogram"] = Histogram.ToBytes();
    }

    /// <summary>Reads what <see cref="WriteTo"/> wrote (empty when the columns are absent).</summary>
    /// <exception cref="FormatException">The histogram column is malformed.</exception>
    public static Distribution ReadFrom(TableEntity entity, string name)
    {
        var distribution = new Distribution();
        var count = entity.GetInt64(name + "Count") ?? 0;
        if (count == 0)
        {
            return distribution;
        }

        distribution.Count = count;
        distribution.Sum = entity.GetDouble(name + "Sum") ?? 0;
        distribution.Min = entity.GetDouble(name + "Min");
        distribution.Max = entity.GetDouble(name + "Max");
        if (entity.GetBinary(name + "Histogram") is { } bytes)
        {
            distribution.Histogram = LogHistogram.FromBytes(bytes);
        }

        return distribution;
    }

    /// <summary>Reads the columns of a page row as <see cref="ReadFrom(TableEntity, string)"/> reads them from the row as stored.</summary>
    /// <exception cref="FormatException">The histogram column is malformed.</exception>
    public static Distribution ReadFrom(in PageRow row, string name)
    {
        var distribution = new Distribution();
        var columns = _columns.GetOrAdd(name, static n => (n + "Count", n + "Sum", n + "Min", n + "Max", n + "Histogram")); // no names built per row
        var count = row.Int64(columns.Count) ?? 0;
        if (count == 0)
        {
            return distribution;
        }

        distribution.Count = count;
        distribution.Sum = row.Double(columns.Sum) ?? 0;
        distribution.Min = row.Double(columns.Min);
        distribution.Max = row.Double(columns.Max);
        if (row.TryGetBinary(columns.Histogram, out var bytes))
        {
            distribution.Histogram = LogHistogram.FromBytes(bytes);
        }

        return distribution;
    }

    /// <summary>Writes the compact binary form (for state nested in another column).</summary>
    public void Write(CompactWriter writer)
    {
        writer.WriteVarUInt((ulong)Count);
        if (Count == 0)
        {
            return;
        }

        writer.WriteDouble(Sum);
        writer.WriteDouble(Min ?? 0);
        writer.WriteDouble(Max ?? 0);
        Histogram.Write(writer);
    }

    /// <summary>Reads what <see cref="Write"/> wrote.</summary>
    /// <exception cref="FormatException">Malformed input.</exception>
    public static Distribution Read(ref CompactReader reader)
    {
        var distribution = new Distribution { Count = (long)reader.ReadVarUInt() };
        if (distribution.Count == 0)
        {
            return distribution;
        }

        distribution.Sum = reader.ReadDouble();
        distribution.Min = reader.ReadDouble();
        distribution.Max = reader.ReadDouble();
        distribution.Histogram = LogHistogram.Read(ref reader);
        return distribution;
    }
}
