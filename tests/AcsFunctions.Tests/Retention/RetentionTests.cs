using AcsFunctions.Functions;
using AcsFunctions.Health;
using AcsFunctions.Queries;
using AcsFunctions.Retention;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using Azure.Data.Tables;
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

    [Fact]
    public async Task AMinuteRow_IsKeptUntilItsHourAndDayRowsExist()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var now = storage.Time.GetUtcNow();
        var day = CoarseTiers.FloorDay(now.AddDays(-20));
        var (a, b, c) = (day.AddHours(3), day.AddHours(5), day.AddHours(7));
        await storage.Pipeline.IngestAsync([Requests(a, 6), Requests(b, 6), Requests(c, 6)]);
        Assert.Equal(0, (await RollupAsync(storage)).Failed);
        var exact = await CountAsync(storage, day, day.AddDays(1), "PT1M");
        var table = storage.Table(TableNames.AggApiRequests);
        bool HasMinutes(HashSet<string> keys, DateTimeOffset hour) =>
            keys.Any(k => k.StartsWith($"{TableNames.AggApiRequests}/{MinuteWindows.Key(hour)[..10]}", StringComparison.Ordinal));

        // Hour a: its hourly rows are gone (as in a store written before hourly rows existed). Hour b: its hour is being
        // recomputed (a pending hour mark). Hour c: a window mark of one of its minutes is pending (late data not rolled up).
        foreach (var row in await storage.AllAsync(TableNames.AggApiRequests))
        {
            if (row.PartitionKey == CoarseTiers.HourKey(a))
            {
                await table.DeleteEntityAsync(row.PartitionKey, row.RowKey);
            }
        }

        var marks = storage.Services.GetRequiredService<MarkStore>();
        await marks.MarkAsync(RollupMarkKinds.Hour, CoarseTiers.MarkKey(CoarseTiers.HourKey(b), TableNames.AggApiRequests), string.Empty, RollupMarkKinds.Hour, b, default);
        await storage.Pipeline.IngestAsync([Requests(c.AddSeconds(5), 1)]);

        var first = await RunAsync(storage);
        var kept = await KeysAsync(storage);
        var minutes = first.Tables.Single(t => t.Table == TableNames.AggApiRequests && t.Tier == "minute");
        Assert.True(HasMinutes(kept, a) && HasMinutes(kept, b) && HasMinutes(kept, c), "every minute row without its hour and day rows is kept");
        Assert.Equal(0, minutes.Deleted);
        Assert.Equal(minutes.RowsRead, minutes.Kept);
        Assert.Equal(1, minutes.CoarseRowsRequested); // hour a had no hourly row at all: retention asked the roll-up for it
        Assert.Equal(exact, await CountAsync(storage, day, day.AddDays(1), "PT1M"));

        // The roll-up writes the missing hour, recomputes the marked hour and minute, and their day; then the minutes go.
        Assert.Equal(0, (await RollupAsync(storage)).Failed);
        var second = await RunAsync(storage);
        var after = await KeysAsync(storage);
        Assert.False(HasMinutes(after, a) || HasMinutes(after, b) || HasMinutes(after, c));
        Assert.Equal(minutes.RowsRead, second.Tables.Single(t => t.Table == TableNames.AggApiRequests && t.Tier == "minute").Deleted);
        Assert.Equal(exact + 1, await CountAsync(storage, day, day.AddDays(1), "P1D"));
        Assert.Equal(exact + 1, await CountAsync(storage, day, day.AddDays(1), "PT1H"));
    }

    [Fact]
    public async Task DryRun_DeletesNothing_AndShowsWhatWouldGo()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var now = storage.Time.GetUtcNow();
        await storage.Pipeline.IngestAsync([Requests(now.AddDays(-40), 5), Requests(now.AddHours(-1), 5)]);
        Assert.Equal(0, (await RollupAsync(storage)).Failed);
        var before = await TableSnapshot.TakeAsync(storage, [.. Tables, TableNames.RollupPending]);

        var dry = await RunAsync(storage, dryRun: true);

        Assert.True(dry.DryRun);
        Assert.Equal(before, await TableSnapshot.TakeAsync(storage, [.. Tables, TableNames.RollupPending]));
        var records = dry.Tables.Single(t => t.Table == TableNames.Records);
        Assert.Equal((5L, 0L), (records.WouldDelete, records.Deleted));
        Assert.Equal(MinuteWindows.MinuteOf(now.AddDays(-40)), records.Oldest);
        Assert.Equal(MinuteWindows.MinuteOf(now.AddDays(-30)), records.Cutoff);
        Assert.Equal(0, dry.Transactions);
        var real = await RunAsync(storage);
        Assert.Equal(dry.Tables.Select(t => (t.Table, t.Tier, t.WouldDelete)), real.Tables.Select(t => (t.Table, t.Tier, t.Deleted)));
        Assert.Equal((0L, 0L), (dry.Deleted, real.WouldDelete));

        // retention --dry-run --json: the JSON claims no deletion; what would go is wouldDelete, per table and in total.
        using var json = System.Text.Json.JsonDocument.Parse(System.Text.Json.JsonSerializer.Serialize(dry, AcsFunctions.Cli.Output.Json.Options));
        var recordsJson = json.RootElement.GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("table").GetString() == TableNames.Records);
        Assert.Equal((0L, 5L), (recordsJson.GetProperty("deleted").GetInt64(), recordsJson.GetProperty("wouldDelete").GetInt64()));
        Assert.Equal((0L, dry.WouldDelete), (json.RootElement.GetProperty("deleted").GetInt64(), json.RootElement.GetProperty("wouldDelete").GetInt64()));
    }

    [Fact]
    public async Task ARunOnALargeTable_ReadsOnlyThePartitionsItDeletes()
    {
        await using var storage = StorageFaults.Create(azurite.ConnectionString, out var faults);
        var returned = new ReturnedRows();
        returned.Attach(faults);
        var now = storage.Time.GetUtcNow();
        var keptFrom = now.AddDays(-1);
        var expiredAt = now.AddDays(-45);
        TableEntity Record(DateTimeOffset minute, int i) => new($"{MinuteWindows.Key(minute)}|RES~00000000|ACSAuthIncomingOperations", i.ToString("D32", System.Globalization.CultureInfo.InvariantCulture));
        TableEntity Aggregate(string partition, int i) => new(partition, $"RES~00000000|ACSAuthIncomingOperations|op{i}|200") { ["Count"] = 1L };
        // 6,000 kept raw records and 3,000 kept minute rows; 150 expired raw records and 60 expired minute rows (with their
        // hour and day rows, so they may go).
        await WriteAsync(storage, TableNames.Records, Enumerable.Range(0, 6000).Select(i => Record(keptFrom.AddMinutes(i / 100), i)));
        await WriteAsync(storage, TableNames.Records, Enumerable.Range(0, 150).Select(i => Record(expiredAt.AddMinutes(i / 50), i)));
        await WriteAsync(storage, TableNames.AggApiRequests, Enumerable.Range(0, 3000).Select(i => Aggregate(MinuteWindows.Key(keptFrom.AddMinutes(i / 100)), i % 100)));
        var old = now.AddDays(-20);
        await WriteAsync(storage, TableNames.AggApiRequests, Enumerable.Range(0, 60).Select(i => Aggregate(MinuteWindows.Key(old.AddMinutes(i / 30)), i % 30)));
        await WriteAsync(storage, TableNames.AggApiRequests, Enumerable.Range(0, 30).Select(i => Aggregate(CoarseTiers.HourKey(old), i)));
        await WriteAsync(storage, TableNames.AggApiRequests, Enumerable.Range(0, 30).Select(i => Aggregate(CoarseTiers.DayKey(old), i)));

        returned.Recording = true;
        var result = await RunAsync(storage);
        returned.Recording = false;

        var records = result.Tables.Single(t => t.Table == TableNames.Records);
        var minutes = result.Tables.Single(t => t.Table == TableNames.AggApiRequests && t.Tier == "minute");
        Assert.Equal((150, 150L), (records.RowsRead, records.Deleted));
        Assert.Equal((60, 60L), (minutes.RowsRead, minutes.Deleted));
        // Independently, from the HTTP responses: the only Records rows storage returned are the 150 deleted ones, and
        // no kept minute row of the aggregate table was returned — only the expired minutes and their hour and day rows.
        var fromRecords = returned.Rows.Where(r => r.Table == storage.Storage.PhysicalName(TableNames.Records)).ToList();
        Assert.Equal(150, fromRecords.Count);
        Assert.All(fromRecords, r => Assert.StartsWith(MinuteWindows.Key(expiredAt)[..8], r.PartitionKey, StringComparison.Ordinal));
        var fromAggregates = returned.Rows.Where(r => r.Table == storage.Storage.PhysicalName(TableNames.AggApiRequests)).ToList();
        Assert.Equal(60 + 30 + 30, fromAggregates.Count);
        Assert.DoesNotContain(fromAggregates, r => r.PartitionKey.StartsWith(MinuteWindows.Key(keptFrom)[..8], StringComparison.Ordinal));
        Assert.Equal(60, result.GuardRowsRead);
        Assert.True(returned.Rows.Count <= result.RowsRead + result.GuardRowsRead, $"{returned.Rows.Count} rows returned in all");
        Assert.Equal(6000, (await storage.AllAsync(TableNames.Records)).Count);
        Assert.Equal(3060, (await storage.AllAsync(TableNames.AggApiRequests)).Count);
    }

    [Fact]
    public async Task CallRecords_GoWithTheirPerCallRows_UnlessTheCallIsPending()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([Samples.Body("p2p-call.json")]);
        Assert.Equal(0, (await RollupAsync(storage)).Failed);
        var calls = await storage.AllAsync(TableNames.AggCalls);
        Assert.NotEmpty(calls);
        Assert.NotEmpty(await storage.AllAsync(TableNames.CallRecords));
        // A call record arrives again (re-delivery) and is not rolled up yet: its call stays.
        await storage.Pipeline.IngestAsync([Samples.Body("p2p-call.json")]);

        var pending = await RunAsync(storage);
        Assert.Equal(calls.Count, pending.Tables.Single(t => t.Table == TableNames.AggCalls).Kept);
        Assert.NotEmpty(await storage.AllAsync(TableNames.CallRecords));

        Assert.Equal(0, (await RollupAsync(storage)).Failed);
        var result = await RunAsync(storage);
        Assert.Equal(calls.Count, result.Tables.Single(t => t.Table == TableNames.AggCalls).Deleted);
        Assert.True(result.Tables.Single(t => t.Table == TableNames.CallRecords).Deleted > 0);
        Assert.Empty(await storage.AllAsync(TableNames.CallRecords));
        Assert.Empty(await storage.AllAsync(TableNames.AggCalls));
        Assert.Empty(await storage.AllAsync(TableNames.AggCallIndex));
    }

    [Fact]
    public async Task TheRollupTimer_RunsRetention_OncePerInterval_AndHealthShowsTheOldestRowKept()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var now = storage.Time.GetUtcNow();
        await storage.Pipeline.IngestAsync([Requests(now.AddDays(-40), 5), Requests(now.AddHours(-1), 5)]);
        var timer = storage.Services.GetRequiredService<ScheduledRollup>();

        await timer.RunAsync(pastDue: false);
        var first = timer.LastRetention;
        Assert.NotNull(first);
        Assert.Equal(5, first.Tables.Single(t => t.Table == TableNames.Records).Deleted);
        await timer.RunAsync(pastDue: false);
        Assert.Same(first, timer.LastRetention); // not due again within the interval
        storage.Time.Advance(TimeSpan.FromHours(1));
        await timer.RunAsync(pastDue: false);
        Assert.NotSame(first, timer.LastRetention);

        var health = await storage.Services.GetRequiredService<QueryService>().QueryAsync(QueryKinds.Health, new Dictionary<string, string?> { ["from"] = "now-1h", ["to"] = "now", ["view"] = "retention" });
        var rows = health.Rows.Cast<HealthRetentionRow>().ToList();
        var recordsRow = rows.Single(r => r.Table == TableNames.Records);
        Assert.Equal(MinuteWindows.MinuteOf(now.AddHours(-1)), recordsRow.OldestRow);
        Assert.False(recordsRow.Overdue);
        Assert.Equal(30, recordsRow.RetentionDays);
        Assert.Contains(rows, r => r.Table == TableNames.AggApiRequests && r.Tier == "day" && r.OldestRow == CoarseTiers.FloorDay(now.AddDays(-40)));
    }

    [Theory]
    [InlineData("Records", "0.00:00:00", "AcsFunctions:Retention:Records must be between 1 day and 10 years")]
    [InlineData("DeadLetters", "-30.00:00:00", "AcsFunctions:Retention:DeadLetters must be between 1 day and 10 years")]
    [InlineData("MinuteAggregates", "100.00:00:00", "coarser aggregates must be kept at least as long as finer ones")]
    [InlineData("MaxRowsPerTable", "0", "MaxRowsPerTable")]
    public async Task InvalidSettings_FailAtStartUp_WithAClearError(string setting, string value, string message)
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString, new Dictionary<string, string?> { [$"AcsFunctions:Retention:{setting}"] = value });
        var error = Assert.Throws<OptionsValidationException>(() => storage.Services.GetRequiredService<RetentionService>());
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
