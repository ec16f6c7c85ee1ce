using AcsFunctions.Generation;
using AcsFunctions.Rollups;
using AcsFunctions.Tests.Infrastructure;
using AcsFunctions.Tests.Reliability;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Tests.Rollups;

/// <summary>
/// Range reads (issue 17): the roll-up that reads runs of contiguous changed minutes with one range query per table
/// writes exactly the aggregates that reading every marked partition with its own queries writes (the roll-up before
/// range reads, <see cref="RollupOptions.PointReads"/>) — every aggregate table, minute, hourly and daily rows — on a
/// generated stream with late, re-delivered, updated and malformed data, rolled up twice.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class RangePointEquivalenceTests(AzuriteFixture azurite)
{
    private static readonly GeneratorOptions _stream = new()
    {
        Calls = 10, ApiRequests = 500, Emails = 50, Minutes = 3 * 60, Seed = 23, Duplicates = 0.1, Late = 0.1, Updates = 0.5, Malformed = 0.02,
        Start = new DateTimeOffset(2025, 4, 30, 22, 0, 0, TimeSpan.Zero), // crosses a day boundary: two days of daily rows
    };

    [Fact]
    public async Task RangeReads_WriteTheSameAggregatesAsPointReads_EveryKind_WithLateAndDuplicateData()
    {
        await using var ranges = TestStorage.Create(azurite.ConnectionString);
        await using var points = TestStorage.Create(azurite.ConnectionString, new Dictionary<string, string?>
        {
            ["AcsFunctions:Rollup:PointReads"] = "true",
        });
        Assert.True(points.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<RollupOptions>>().Value.PointReads);

        var generated = SyntheticStream.Create(_stream).Bodies().ToList();
        var onTime = generated.Where(b => !b.Late).Select(b => b.ToEventBody()).ToList();
        var late = generated.Where(b => b.Late).Select(b => b.ToEventBody()).ToList();
        Assert.NotEmpty(late);
        var results = new Dictionary<TestStorage, List<RollupResult>>();
        foreach (var storage in new[] { ranges, points })
        {
            await ReliabilityStream.IngestAsync(storage, [.. onTime, Samples.Body("usage.json")]);
            var first = await RollupTestData.RollupAsync(storage);
            await ReliabilityStream.IngestAsync(storage, [.. late, .. onTime.Take(30)]); // late data and re-delivery
            var second = await RollupTestData.RollupAsync(storage);
            results[storage] = [first, second];
        }

        var rangeRows = await RollupTestData.AggregatesAsync(ranges);
        var pointRows = await RollupTestData.AggregatesAsync(points);
        foreach (var table in RollupTestData.AggregateTables)
        {
            Assert.True(rangeRows.Any(r => r.StartsWith(table + "|", StringComparison.Ordinal)), $"the stream produced no {table} rows: the comparison would not cover that kind");
        }

        Assert.Contains(rangeRows, r => r.Contains("|H", StringComparison.Ordinal));
        Assert.Contains(rangeRows, r => r.Contains("|D", StringComparison.Ordinal));
        var onlyRanges = rangeRows.Except(pointRows).Take(5).ToList();
        var onlyPoints = pointRows.Except(rangeRows).Take(5).ToList();
        Assert.True(
            rangeRows.SequenceEqual(pointRows),
            $"range reads wrote {rangeRows.Count} rows, point reads {pointRows.Count}; only with ranges:\n{string.Join("\n", onlyRanges)}\nonly with points:\n{string.Join("\n", onlyPoints)}");

        // The two modes really read differently: the same marks, fewer read round trips with ranges.
        var (rangeRun, pointRun) = (results[ranges][0], results[points][0]);
        Assert.Equal(0, results.Values.SelectMany(r => r).Sum(r => r.Failed));
        Assert.Equal(pointRun.Windows, rangeRun.Windows);
        Assert.True(rangeRun.ReadQueries < pointRun.ReadQueries, $"read round trips: ranges {rangeRun.ReadQueries}, points {pointRun.ReadQueries}");
    }
}
