using System.Text.Json;
using AcsFunctions.Queries;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace AcsFunctions.Tests.Reliability;

/// <summary>
/// A roll-up dies part way (the process stops talking to storage: no clean-up, leases left behind) or is cancelled
/// (Ctrl+C). Afterwards no query returns a row that differs from a clean roll-up's: rows are either equal to the clean
/// ones or flagged incomplete, and every clean row outside the flagged windows is there. Issue 15, finding 2.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class KilledRollupTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private static readonly string[] _kinds = [QueryKinds.ApiRequests, QueryKinds.Calls, QueryKinds.CallVolume, QueryKinds.CallQuality, QueryKinds.Email, QueryKinds.Usage];

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.4)]
    [InlineData(0.7)]
    [InlineData(0.95)]
    public async Task Rollup_KilledPartWay_QueriesShowCleanRowsOrIncompleteOnes_UntilTheLeaseEndsAndARunRepairsAll(double killAt)
    {
        await using var reference = TestStorage.Create(azurite.ConnectionString);
        await ReliabilityStream.IngestAsync(reference, ReliabilityStream.Bodies);
        var probe = new StorageKillSwitch(int.MaxValue - 1);
        await using (var counted = probe.Create(azurite.ConnectionString, reference.Prefix))
        {
            await counted.Services.GetRequiredService<RollupService>().RunAsync();
        }

        var (from, to) = await RangeAsync(reference);
        var expected = await QueryAllAsync(reference, from, to);

        await using var writer = TestStorage.Create(azurite.ConnectionString);
        await ReliabilityStream.IngestAsync(writer, ReliabilityStream.Bodies);
        var kill = new StorageKillSwitch((int)(probe.Writes * killAt));
        var victim = kill.Create(azurite.ConnectionString, writer.Prefix);
        var dying = Task.Run(() => victim.Services.GetRequiredService<RollupService>().RunAsync());
        while (!kill.Triggered && !dying.IsCompleted)
        {
            await Task.Delay(10);
        }

        Assert.True(kill.Triggered, $"the roll-up finished after {kill.Writes} of {probe.Writes} writes");
        output.WriteLine($"killed after {kill.Writes} of {probe.Writes} writes");

        // A new process: the marks the dead run leased are skipped (and said so) until the lease ends.
        await using var next = TestStorage.Create(azurite.ConnectionString, new Dictionary<string, string?> { ["AcsFunctions:Storage:TablePrefix"] = writer.Prefix });
        var afterKill = await QueryAllAsync(next, from, to);
        AssertCleanOrIncomplete(expected, afterKill);
        var skipping = await next.Services.GetRequiredService<RollupService>().RunAsync();
        Assert.True(skipping.Leased > 0, "the dead run held leases");
        Assert.Equal(skipping.Leased, skipping.Skipped);
        var whileLeased = await QueryAllAsync(next, from, to);
        AssertCleanOrIncomplete(expected, whileLeased);
        if (killAt < 0.5)
        {
            // Killed in the minute phase: minute rows are flagged. Later kills leave hour/day marks leased, which flag
            // PT1H/P1D rows only (the minute rows these PT1M queries read are final then).
            Assert.Contains(whileLeased.Values, r => r.Incomplete.Count > 0);
        }
        var health = (await next.Services.GetRequiredService<QueryService>().QueryAsync(QueryKinds.Health, Range(from, to))).Rows.Cast<AcsFunctions.Health.HealthRow>();
        Assert.Equal(skipping.Leased, health.Sum(h => h.RollupLeasedMarks));

        next.Time.Advance(TimeSpan.FromMinutes(6)); // past the dead run's lease
        var repair = await next.Services.GetRequiredService<RollupService>().RunAsync();
        var repaired = await QueryAllAsync(next, from, to);
        kill.Bury();
        await Record.ExceptionAsync(() => dying);
        await victim.DisposeAsync();

        Assert.Equal(0, repair.Failed);
        Assert.Equal(0, repair.Leased);
        foreach (var kind in _kinds)
        {
            Assert.Empty(repaired[kind].Incomplete);
            Assert.Equal(expected[kind].Rows, repaired[kind].Rows);
        }
    }

    [Fact]
    public async Task Rollup_CancelledPartWay_LeavesNoLeaseAndTheNextRunIsExact()
    {
        await using var reference = TestStorage.Create(azurite.ConnectionString);
        await ReliabilityStream.IngestAsync(reference, ReliabilityStream.Bodies);
        await reference.Services.GetRequiredService<RollupService>().RunAsync();
        var (from, to) = await RangeAsync(reference);
        var expected = await QueryAllAsync(reference, from, to);

        await using var writer = TestStorage.Create(azurite.ConnectionString);
        await ReliabilityStream.IngestAsync(writer, ReliabilityStream.Bodies);
        using var ctrlC = new CancellationTokenSource();
        var kill = new StorageKillSwitch(60, ctrlC);
        await using (var cancelled = kill.Create(azurite.ConnectionString, writer.Prefix))
        {
            var failure = await Record.ExceptionAsync(() => cancelled.Services.GetRequiredService<RollupService>().RunAsync(ctrlC.Token));
            Assert.IsAssignableFrom<OperationCanceledException>(failure);
        }

        var marks = await writer.AllAsync(TableNames.RollupPending);
        Assert.NotEmpty(marks);
        Assert.All(marks, m => Assert.False(m.ContainsKey(RollupMarkKinds.LeaseOwner), $"mark {m.RowKey} is still leased"));
        AssertCleanOrIncomplete(expected, await QueryAllAsync(writer, from, to));

        var next = await writer.Services.GetRequiredService<RollupService>().RunAsync();
        var after = await QueryAllAsync(writer, from, to);
        Assert.Equal(0, next.Skipped);
        foreach (var kind in _kinds)
        {
            Assert.Empty(after[kind].Incomplete);
            Assert.Equal(expected[kind].Rows, after[kind].Rows);
        }
    }

    /// <summary>Every row is a clean one or flagged; every clean row whose window is not flagged is present.</summary>
    private static void AssertCleanOrIncomplete(Dictionary<string, Answer> expected, Dictionary<string, Answer> actual)
    {
        foreach (var kind in _kinds)
        {
            var clean = expected[kind];
            var got = actual[kind];
            var flagged = got.Incomplete.ToHashSet();
            foreach (var (json, row) in got.Rows.Zip(got.Typed))
            {
                if (row.Incomplete != true)
                {
                    Assert.True(clean.Rows.Contains(json), $"{kind}: a row not flagged incomplete differs from the clean roll-up: {json}");
                }
            }

            foreach (var (json, row) in clean.Rows.Zip(clean.Typed))
            {
                if (!flagged.Contains(row.FlagWindow))
                {
                    Assert.True(got.Rows.Contains(json), $"{kind}: a clean row outside the incomplete windows is missing: {json}");
                }
            }
        }
    }

    private static async Task<Dictionary<string, Answer>> QueryAllAsync(TestStorage storage, DateTimeOffset from, DateTimeOffset to)
    {
        var service = storage.Services.GetRequiredService<QueryService>();
        var answers = new Dictionary<string, Answer>(StringComparer.Ordinal);
        foreach (var kind in _kinds)
        {
            var result = await service.QueryAsync(kind, Range(from, to));
            var typed = result.Rows.Cast<QueryRow>().ToList();
            answers[kind] = new Answer([.. typed.Select(r => JsonSerializer.Serialize<object>(r with { Incomplete = null }, QueryJson.Options))], typed, result.IncompleteWindows);
        }

        return answers;
    }

    private static Dictionary<string, string?> Range(DateTimeOffset from, DateTimeOffset to) => new()
    {
        ["from"] = from.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        ["to"] = to.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>The minutes the clean aggregates span.</summary>
    private static async Task<(DateTimeOffset From, DateTimeOffset To)> RangeAsync(TestStorage storage)
    {
        var keys = new List<string>();
        foreach (var table in new[] { TableNames.AggApiRequests, TableNames.AggCalls, TableNames.AggEmailDelivery })
        {
            keys.AddRange((await TableReads.QueryAsync(storage.Table(table), string.Empty, ["PartitionKey"])).Select(e => e.PartitionKey).Where(k => char.IsAsciiDigit(k[0]))); // minute rows, not hourly/daily
        }

        return (AcsFunctions.Storage.Windows.Parse(keys.Min(StringComparer.Ordinal)!), AcsFunctions.Storage.Windows.Parse(keys.Max(StringComparer.Ordinal)!).AddMinutes(1));
    }

    private sealed record Answer(List<string> Rows, List<QueryRow> Typed, IReadOnlyList<DateTimeOffset> Incomplete);
}
