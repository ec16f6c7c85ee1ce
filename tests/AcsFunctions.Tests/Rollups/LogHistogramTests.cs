using AcsFunctions.Rollups;

namespace AcsFunctions.Tests.Rollups;

public sealed class LogHistogramTests
{
    private static readonly double[] _quantiles = [0.5, 0.95, 0.99];

    public static TheoryData<string> Shapes => new() { "lognormal", "uniform", "bimodal", "heavy-tail" };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Quantile_TwentyThousandDurations_WithinOnePercentOfExactSortedValues(string shape)
    {
        var values = Durations(shape, 20_000, seed: 42);
        var histogram = new LogHistogram();
        foreach (var v in values)
        {
            histogram.Add(v);
        }

        Array.Sort(values);
        foreach (var q in _quantiles)
        {
            var exact = Exact(values, q);
            var estimate = histogram.Quantile(q)!.Value;
            Assert.True(Math.Abs(estimate - exact) <= LogHistogram.RelativeAccuracy * exact * (1 + 1e-9), $"{shape} p{q * 100}: estimate {estimate}, exact {exact}");
        }
    }

    [Fact]
    public void Merge_OfParts_EqualsHistogramOfAllValues()
    {
        var values = Durations("lognormal", 12_000, seed: 7);
        var whole = new LogHistogram();
        var parts = Enumerable.Range(0, 60).Select(_ => new LogHistogram()).ToArray();
        for (var i = 0; i < values.Length; i++)
        {
            whole.Add(values[i]);
            parts[i % parts.Length].Add(values[i]);
        }

        var merged = new LogHistogram();
        foreach (var part in parts)
        {
            merged.Merge(part);
        }

        Assert.Equal(whole.ToBytes(), merged.ToBytes());
        Assert.Equal(whole.Count, merged.Count);
        foreach (var q in _quantiles)
        {
            Assert.Equal(whole.Quantile(q), merged.Quantile(q));
        }
    }

    [Fact]
    public void ToBytes_RoundTrips_AndStaysCompact()
    {
        var histogram = new LogHistogram();
        foreach (var v in Durations("heavy-tail", 10_000, seed: 3))
        {
            histogram.Add(v);
        }

        histogram.Add(0, 17);
        var bytes = histogram.ToBytes();
        var back = LogHistogram.FromBytes(bytes);

        Assert.Equal(bytes, back.ToBytes());
        Assert.Equal(histogram.Count, back.Count);
        Assert.Equal(17, back.ZeroCount);
        Assert.True(bytes.Length < 4 * 1024, $"{bytes.Length} bytes for {histogram.BucketCount} buckets");
    }

    [Fact]
    public void Quantile_ZerosAndSmallValues_Handled()
    {
        var histogram = new LogHistogram();
        histogram.Add(0, 60);
        histogram.Add(3.146336E-05, 40);

        Assert.Equal(0, histogram.Quantile(0.5));
        Assert.Equal(0, histogram.Quantile(0.6));
        Assert.InRange(histogram.Quantile(0.61)!.Value, 3.146336E-05 * 0.99, 3.146336E-05 * 1.01);
        Assert.Null(new LogHistogram().Quantile(0.5));
    }

    [Fact]
    public void FromBytes_Garbage_ThrowsFormatException()
    {
        Assert.Throws<FormatException>(() => LogHistogram.FromBytes([9, 1, 2]));
        Assert.Throws<FormatException>(() => LogHistogram.FromBytes([1, 5, 3, 0x80]));
        Assert.Throws<FormatException>(() => LogHistogram.FromBytes([]));
    }

    [Fact]
    public void Distribution_ExactMinMaxSum_AndQuantilesClampedToRange()
    {
        var d = new Distribution();
        foreach (var v in new double[] { 82, 73.3857, 120, 5 })
        {
            d.Add(v);
        }

        d.Add(null);
        d.Add(double.NaN);

        Assert.Equal(4, d.Count);
        Assert.Equal(5, d.Min);
        Assert.Equal(120, d.Max);
        Assert.Equal(280.3857, d.Sum, 6);
        Assert.Equal(120, d.Quantile(1.0));
        Assert.Equal(5, d.Quantile(0.0)!.Value, 1);
    }

    /// <summary>The nearest-rank quantile of sorted values: the value at 1-based rank max(1, ceil(q·n)).</summary>
    private static double Exact(double[] sorted, double q) => sorted[Math.Max(1, (int)Math.Ceiling(q * sorted.Length)) - 1];

    private static double[] Durations(string shape, int n, int seed)
    {
        var random = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return [.. Enumerable.Range(0, n).Select(_ => shape switch
        {
            "lognormal" => Math.Exp(4 + Normal()),
            "uniform" => 1 + (random.NextDouble() * 999),
            "bimodal" => random.NextDouble() < 0.8 ? 20 + (random.NextDouble() * 10) : 900 + (random.NextDouble() * 300),
            _ => 10 / Math.Pow(1 - random.NextDouble(), 1.5),
        })];
    }
}
