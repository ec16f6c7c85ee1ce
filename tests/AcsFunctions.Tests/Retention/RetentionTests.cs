using System.Text.Json.Nodes;
using AcsFunctions.Queries;
using AcsFunctions.Retention;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static AcsFunctions.Tests.Retention.RetentionTestData;
using MinuteWindows = AcsFunctions.Storage.Windows;
using static AcsFunctions.Tests.Rollups.RollupTestData;

namespace AcsFunctions.Tests.Retention;

/// <summary>
/// Retention (issue 17, item 3) against Azurite: nothing younger than its setting is deleted; a minute row is kept until
/// its hour and day rows exist; a run on a large table reads only the partitions it deletes; dry runs delete nothing;
/// the roll-up timer runs it; settings are validated.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class RetentionTests(AzuriteFixture azurite)
{
    private static Decoding.EventBody Requests(DateTimeOffset start, int count) =>
        Body(Enumerable.Range(0, count).Select(i => Request(start.AddSeconds(i * 20), 10 + i)));

    private static async Task<long> CountAsync(TestStorage storage, DateTimeOffset from, DateTimeOffset to, string interval)
    {
        var result = await QueryAsync(storage, QueryKinds.ApiRequests, from, to, interval);
        return JsonNode.Parse(result.Json)!.AsArray().Sum(r => r!["count"]!.GetValue<long>());
    }

    [Fact]
    public async Task NothingYoungerThanItsSetting_IsDeleted_AndEverythingOlderAndUnguardedGoes()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var now = storage.Time.GetUtcNow();
        var old = now.AddDays(-40).AddMinutes(-17);   // past records (30 d) and minute aggregates (14 d)
        var mid = now.AddDays(-20).AddMinutes(-3);    // records kept, minute aggregates past
        var edge = now.AddDays(-14).AddMinutes(2);    // 2 minutes younger than the minute setting
        var recent = now.AddHours(-2);
        await storage.Pipeline.IngestAsync([Requests(old, 9), Requests(mid, 9), Requests(edge, 9), Requests(recent, 9), Samples.Body("usage.json")]);
        Assert.Equal(0, (await RollupAsync(storage)).Failed);
        var options = storage.Services.GetRequiredService<IOptions<RetentionOptions>>().Value;
        var dailyBefore = await CountAsync(storage, CoarseTiers.FloorDay(old), CoarseTiers.FloorDay(old).AddDays(1), "P1D");
        var before = await KeysAsync(storage);

        var first = await RunAsync(storage);
        var afterFirst = await KeysAsync(storage);
        storage.Time.Advance(TimeSpan.FromDays(31)); // the recent data is 31 days old now: its records go, its hourly and daily rows stay
        var later = storage.Time.GetUtcNow();
        var second = await RunAsync(storage);
        var afterSecond = await KeysAsync(storage);

        foreach (var (run, at, was, @is) in new[] { (first, now, before, afterFirst), (second, later, afterFirst, afterSecond) })
        {
            Assert.Equal(0, run.Tables.Sum(t => t.Kept + t.Conflicts));
            Assert.False(run.More);
            Assert.All(run.Tables, t => Assert.True(t.Oldest is null || t.Oldest < t.Cutoff, $"{t.Table} {t.Tier}: oldest deleted {t.Oldest} vs cutoff {t.Cutoff}"));
            // Every row deleted was expired at that run (call records go with their per-call rows); every expired row went.
            Assert.All(was.Except(@is), key => Assert.True(Expired(key, at, options) || key.StartsWith(TableNames.CallRecords, StringComparison.Ordinal), $"deleted but younger than its setting: {key}"));
            Assert.All(@is.Where(k => Expired(k, at, options)), key => Assert.Fail($"expired but kept: {key}"));
            Assert.Equal(was.Count - @is.Count, run.Deleted);
        }

        bool Has(HashSet<string> keys, string table, string partitionPrefix) => keys.Any(k => k.StartsWith($"{table}/{partitionPrefix}", StringComparison.Ordinal));
        // First run: raw records 40 days old went, 20 days old stayed; minute rows 40 and 20 days old went, those 2 minutes
        // younger than 14 days stayed, and so did the hourly and daily rows of every age.
        Assert.True(Has(before, TableNames.Records, MinuteWindows.Key(old)) && !Has(afterFirst, TableNames.Records, MinuteWindows.Key(old)));
        Assert.True(Has(afterFirst, TableNames.Records, MinuteWindows.Key(mid)));
        Assert.True(Has(before, TableNames.AggApiRequests, MinuteWindows.Key(mid)) && !Has(afterFirst, TableNames.AggApiRequests, MinuteWindows.Key(mid)));
        Assert.True(Has(afterFirst, TableNames.AggApiRequests, MinuteWindows.Key(edge)));
        Assert.True(Has(afterFirst, TableNames.AggApiRequests, CoarseTiers.HourKey(old)) && Has(afterFirst, TableNames.AggApiRequests, CoarseTiers.DayKey(old)));
        // Second run, 31 days later: the recent records went; hourly rows (93 days) of every age stayed.
        Assert.True(Has(afterFirst, TableNames.Records, MinuteWindows.Key(recent)) && !Has(afterSecond, TableNames.Records, MinuteWindows.Key(recent)));
        Assert.True(Has(afterSecond, TableNames.AggApiRequests, CoarseTiers.HourKey(old)));

        // What the deleted minute rows said is still answered, from the daily rows.
        Assert.Equal(9, dailyBefore);
        Assert.Equal(dailyBefore, await CountAsync(storage, CoarseTiers.FloorDay(old), CoarseTiers.FloorDay(old).AddDays(1), "P1D"));
    }
}
