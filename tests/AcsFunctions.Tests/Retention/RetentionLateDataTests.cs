using System.Globalization;
using AcsFunctions.Generation;
using AcsFunctions.Health;
using AcsFunctions.Queries;
using AcsFunctions.Retention;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using AcsFunctions.Tests.Reliability;
using Microsoft.Extensions.DependencyInjection;
using static AcsFunctions.Tests.Retention.RetentionTestData;
using static AcsFunctions.Tests.Rollups.RollupTestData;

namespace AcsFunctions.Tests.Retention;

/// <summary>
/// Late data after retention (issue 17 review): an hour or day whose minute (or hourly) rows retention deleted is never
/// rebuilt from the rows left. While the raw rows are kept it is rebuilt from them (exact, every kind); once they are
/// gone too it keeps its rows and the period is recorded as a <c>late</c> mark, shown by health.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class RetentionLateDataTests(AzuriteFixture azurite)
{
    private static readonly (string Kind, string? View)[] _queries =
    [
        (QueryKinds.ApiRequests, ApiRequestsQuery.DetailView), (QueryKinds.ApiRequests, ApiRequestsQuery.OperationsView),
        (QueryKinds.ApiRequests, ApiRequestsQuery.StatusCodesView), (QueryKinds.CallVolume, null), (QueryKinds.CallQuality, null),
        (QueryKinds.Email, null), (QueryKinds.Usage, null),
    ];

    [Fact]
    public async Task LateAndReDeliveredData_AfterRetentionDeletedTheMinutes_KeepsHourlyAndDailyRowsExact_EveryKind()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await using var reference = TestStorage.Create(azurite.ConnectionString); // the same data, never trimmed
        var day = CoarseTiers.FloorDay(storage.Time.GetUtcNow().AddDays(-20)); // past the minute setting (14 d), records kept (30 d)
        var stream = new GeneratorOptions
        {
            Calls = 8, ApiRequests = 400, Emails = 40, Minutes = 5 * 60, Seed = 29, Start = day.AddHours(3), Duplicates = 0.05, Late = 0.15, Updates = 0.5, Malformed = 0,
        };
        var generated = SyntheticStream.Create(stream).Bodies().ToList();
        var onTime = generated.Where(b => !b.Late).Select(b => b.ToEventBody()).ToList();
        var late = generated.Where(b => b.Late).Select(b => b.ToEventBody()).ToList();
        Assert.NotEmpty(late);

        await ReliabilityStream.IngestAsync(storage, onTime);
        Assert.Equal(0, (await RollupAsync(storage)).Failed);
        var trimmed = await RunAsync(storage);
        Assert.True(trimmed.Tables.Where(t => t.Tier == "minute").Sum(t => t.Deleted) > 100, "retention deleted the minute rows");
        Assert.Equal(0, trimmed.Tables.Single(t => t.Table == TableNames.Records).Deleted);
        await ReliabilityStream.IngestAsync(storage, [.. late, .. onTime.Take(30)]); // late data and re-delivery
        var again = await RollupAsync(storage);
        Assert.Equal(0, again.Failed + again.LateNotMerged);
        Assert.True(again.Hours > 0 && again.Days > 0, $"hours {again.Hours}, days {again.Days}");

        await ReliabilityStream.IngestAsync(reference, [.. onTime, .. late, .. onTime.Take(30)]);
        Assert.Equal(0, (await RollupAsync(reference)).Failed);

        var compared = 0;
        foreach (var interval in new[] { "PT1H", "P1D" })
        {
            foreach (var (kind, view) in _queries)
            {
                var expected = await QueryViewAsync(reference, kind, view, day, day.AddDays(1), interval);
                var actual = await QueryViewAsync(storage, kind, view, day, day.AddDays(1), interval);
                Assert.True(expected.Json == actual.Json, $"{kind}/{view} {interval}: the trimmed store answers differently:\n{Clip(actual.Json)}\n---\n{Clip(expected.Json)}");
                compared += actual.Rows.Count;
            }
        }

        Assert.True(compared > 50, $"only {compared} rows compared");
    }

    [Fact]
    public async Task LateData_AfterRetentionDeletedTheMinutesAndTheRecords_LeavesTheHourAndDayExact_AndHealthShowsIt()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var now = storage.Time.GetUtcNow();
        var hour = CoarseTiers.FloorHour(now.AddDays(-40)); // past the record setting (30 d) too
        var day = CoarseTiers.FloorDay(hour);
        await storage.Pipeline.IngestAsync([Body(Enumerable.Range(0, 12).Select(i => Request(hour.AddMinutes(i * 4), 10 + i)))]);
        Assert.Equal(0, (await RollupAsync(storage)).Failed);
        var trimmed = await RunAsync(storage);
        Assert.Equal(12, trimmed.Tables.Single(t => t.Table == TableNames.Records).Deleted);
        Assert.True(trimmed.Tables.Single(t => t.Table == TableNames.AggApiRequests && t.Tier == "minute").Deleted > 0);
        Assert.Equal(12, await CountAsync(storage, day, day.AddDays(1), "P1D"));

        // Two records arrive for that hour: nothing below the hour is left to rebuild it from.
        await storage.Pipeline.IngestAsync([Body([Request(hour.AddMinutes(30).AddSeconds(7), 99), Request(hour.AddMinutes(31), 98)])]);
        var rollup = await RollupAsync(storage);

        Assert.Equal(0, rollup.Failed);
        Assert.Equal(1, rollup.LateNotMerged);
        Assert.Equal(12, await CountAsync(storage, day, day.AddDays(1), "P1D"));
        Assert.Equal(12, await CountAsync(storage, hour, hour.AddHours(1), "PT1H"));
        var late = await storage.AllAsync(TableNames.RollupPending);
        Assert.Contains(late, m => m.PartitionKey == RollupMarkKinds.Late && m.RowKey == CoarseTiers.MarkKey(CoarseTiers.HourKey(hour), TableNames.AggApiRequests));
        var health = await storage.Services.GetRequiredService<QueryService>().QueryAsync(QueryKinds.Health, new Dictionary<string, string?> { ["from"] = "now-1h", ["to"] = "now" });
        Assert.Contains(health.Rows.Cast<HealthRow>(), r => r.Category == RollupMarkKinds.Late && r.RollupPendingWindows == 1);

        // The next roll-up does not take the late mark again; the next retention run deletes the stale minute rows and
        // keeps the mark (made now: younger than the health counters' setting).
        Assert.Equal(0, (await RollupAsync(storage)).Processed);
        var kept = await RunAsync(storage);
        Assert.Equal(12, await CountAsync(storage, day, day.AddDays(1), "P1D"));
        var lateRow = kept.Tables.Single(t => t.Table == TableNames.RollupPending && t.Tier == RollupMarkKinds.Late);
        Assert.Equal((1, 0), (lateRow.RowsRead, lateRow.Deleted));
        Assert.Contains(await storage.AllAsync(TableNames.RollupPending), m => m.PartitionKey == RollupMarkKinds.Late);

        // Past the health setting (93 days) the mark goes with the health counters of its time: a dry run only counts it.
        storage.Time.Advance(TimeSpan.FromDays(94));
        var dry = await RunAsync(storage, dryRun: true);
        Assert.Equal(1, dry.Tables.Single(t => t.Tier == RollupMarkKinds.Late).WouldDelete);
        Assert.Contains(await storage.AllAsync(TableNames.RollupPending), m => m.PartitionKey == RollupMarkKinds.Late);
        var expired = await RunAsync(storage);
        Assert.Equal(1, expired.Tables.Single(t => t.Tier == RollupMarkKinds.Late).Deleted);
        Assert.DoesNotContain(await storage.AllAsync(TableNames.RollupPending), m => m.PartitionKey == RollupMarkKinds.Late);
    }

    [Fact]
    public async Task ABackfillOlderThanTheRecordSetting_IntoAPeriodNeverStored_IsRolledUpExactly()
    {
        // Retention has run (its cutoffs are recorded), then an archive 40 days old is backfilled: nothing of that period
        // was ever stored, so its hours and days are built from its minutes as usual.
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var now = storage.Time.GetUtcNow();
        await storage.Pipeline.IngestAsync([Body([Request(now.AddDays(-50), 5)])]);
        Assert.Equal(0, (await RollupAsync(storage)).Failed);
        await RunAsync(storage);
        var hour = CoarseTiers.FloorHour(now.AddDays(-40));
        var day = CoarseTiers.FloorDay(hour);
        await storage.Pipeline.IngestAsync([Body(Enumerable.Range(0, 90).Select(i => Request(hour.AddMinutes(i), 10 + i)))]);

        var rollup = await RollupAsync(storage);

        Assert.Equal(0, rollup.Failed + rollup.LateNotMerged);
        Assert.Equal(90, await CountAsync(storage, day, day.AddDays(1), "P1D"));
        Assert.Equal(90, await CountAsync(storage, day, day.AddDays(1), "PT1H"));
    }

    [Theory]
    [InlineData("MinuteAggregates", "31.00:00:00", "raw rows must be kept at least as long as minute aggregates")]
    [InlineData("CallRecords", "7.00:00:00", "raw rows must be kept at least as long as minute aggregates")]
    public async Task MinuteAggregatesKeptLongerThanRawRows_FailAtStartUp_WithAClearError(string setting, string value, string message)
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString, new Dictionary<string, string?> { [$"AcsFunctions:Retention:{setting}"] = value });
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => storage.Services.GetRequiredService<RetentionService>());
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    private static string Clip(string json) => json.Length > 1500 ? json[..1500] : json;

    private static Task<QueryResult> QueryViewAsync(TestStorage storage, string kind, string? view, DateTimeOffset from, DateTimeOffset to, string interval) =>
        storage.Services.GetRequiredService<QueryService>().QueryAsync(kind, new Dictionary<string, string?>
        {
            ["from"] = from.ToString("O", CultureInfo.InvariantCulture),
            ["to"] = to.ToString("O", CultureInfo.InvariantCulture),
            ["interval"] = interval,
            ["view"] = view,
        });
}
