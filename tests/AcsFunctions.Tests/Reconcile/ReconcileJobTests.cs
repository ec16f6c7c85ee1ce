using AcsFunctions.Dispatch;
using AcsFunctions.Queries;
using AcsFunctions.Reconcile;
using AcsFunctions.Records;
using AcsFunctions.Retention;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using AcsFunctions.Tests.Rollups;
using AcsFunctions.Tests.Schemas;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AcsFunctions.Tests.Reconcile;

/// <summary>The scheduled reconciliation: last closed hours compared, stored, and served by the <c>reconciliation</c> query.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ReconcileJobTests(AzuriteFixture azurite)
{
    private const string ResourceId = "/subscriptions/00000000-0000-0000-0000-000000000002/resourceGroups/rg-comms/providers/Microsoft.Communication/CommunicationServices/acs-job";

    // TestStorage's clock: 2026-11-23 12:00 UTC. Settled (30 min) → last closed hour 10:00–11:00; lookback 3 → 08, 09, 10.
    private static readonly DateTimeOffset _eight = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task RunAsync_LastClosedHours_StoredPerHourAndServedByTheReconciliationQuery()
    {
        await using var server = await FakeMetricsServer.StartAsync();
        await using var storage = TestStorage.Create(
            azurite.ConnectionString,
            new Dictionary<string, string?> { ["AcsFunctions:Reconcile:Resources:0"] = ResourceId, ["AcsFunctions:Reconcile:LookbackHours"] = "3" },
            services =>
            {
                services.AddSingleton(server.Credential);
                services.AddSingleton(server.ClientOptions());
            });
        var resource = ResourceRef.Parse(ResourceId);
        foreach (var (minute, platform, ours) in new[] { (5, 10L, 10L), (70, 8L, 7L), (130, 4L, 4L), (190, 99L, 0L) })
        {
            var window = _eight.AddMinutes(minute);
            server.Points.Add(new PlatformMetricPoint("APIRequestChat", "SendChatMessage", "201", window, platform));
            if (ours > 0)
            {
                await WriteAsync(storage, resource, window, ours);
            }
        }

        var job = storage.Services.GetRequiredService<ReconcileJob>();
        var reports = await job.RunAsync();
        await job.RunAsync(); // re-checking the same hours replaces, never adds

        Assert.Equal([_eight, _eight.AddHours(1), _eight.AddHours(2)], reports.Select(r => r.From));
        var result = await storage.Services.GetRequiredService<QueryService>().QueryAsync(
            ReconciliationQuery.KindName,
            new Dictionary<string, string?> { ["from"] = _eight.AddHours(-1).ToString("O"), ["to"] = _eight.AddHours(6).ToString("O"), ["resource"] = "acs-job" });
        var rows = result.Rows.Cast<ReconciliationRow>().ToList();
        Assert.Equal(3, rows.Count); // 11:00 is not closed long enough yet
        Assert.Equal(["equal", "fewer", "equal"], rows.Select(r => r.Verdict));
        Assert.Equal((8, 7, -1), (rows[1].Platform, rows[1].Ours, rows[1].Difference));
        Assert.Contains("\"verdict\": \"fewer\"", result.Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NoResourcesConfigured_DoesNothing_NoMetricsRequestNoTable()
    {
        await using var server = await FakeMetricsServer.StartAsync();
        server.Points.Add(new PlatformMetricPoint("APIRequestChat", "SendChatMessage", "201", _eight, 5));
        await using var storage = TestStorage.Create(azurite.ConnectionString, configure: services =>
        {
            services.AddSingleton(server.Credential);
            services.AddSingleton(server.ClientOptions());
        });

        var reports = await storage.Services.GetRequiredService<ReconcileJob>().RunAsync();

        Assert.Empty(reports);
        Assert.Empty(server.Requests);
        Assert.Empty(await storage.AllAsync(ReconcileResultStore.TableName));
    }

    [Fact]
    public async Task RunAsync_AfterTheAppWasStoppedForADay_ReconcilesEveryMissedHour()
    {
        await using var server = await FakeMetricsServer.StartAsync();
        await using var storage = Create(azurite, server, ResourceId);
        var job = storage.Services.GetRequiredService<ReconcileJob>();
        await job.RunAsync(); // 12:00: hours 08–10 checked

        // Stopped for a day: the hour 15:00 of the first day is neither in the first run's hours nor in the last 3 hours
        // of the next run; its platform count is 5 and its logs arrive (and are rolled up) while the app is down.
        var missed = _eight.AddHours(7);
        server.Points.Add(new PlatformMetricPoint("APIRequestChat", "SendChatMessage", "201", missed.AddMinutes(10), 5));
        await WriteAsync(storage, ResourceRef.Parse(ResourceId), missed.AddMinutes(10), 5);
        storage.Time.Advance(TimeSpan.FromDays(1));

        var reports = await job.RunAsync();

        // 08:00 had its last check in the first run (the back of its window); every hour since, once, in order.
        Assert.Equal(Hours(_eight.AddHours(1), _eight.AddDays(1).AddHours(3)), reports.Select(r => r.From));
        var row = Assert.Single(await ReconciledAsync(storage, missed, missed.AddHours(1)));
        Assert.Equal((5, 5, "equal"), (row.Platform, row.Ours, row.Verdict));
    }

    [Fact]
    public async Task RunAsync_CatchUpAfterAStop_IsCheckedAgainByTheNextOnTimeRun_ThenLeftAlone()
    {
        await using var server = await FakeMetricsServer.StartAsync();
        await using var storage = Create(azurite, server, ResourceId);
        var job = storage.Services.GetRequiredService<ReconcileJob>();
        await job.RunAsync();
        var missed = _eight.AddHours(7);
        server.Points.Add(new PlatformMetricPoint("APIRequestChat", "SendChatMessage", "201", missed.AddMinutes(10), 5));
        storage.Time.Advance(TimeSpan.FromDays(1));

        // The past-due run right after the restart: the hub's backlog is not ingested yet, so the hour looks short.
        await job.RunAsync(pastDue: true);
        Assert.Equal("fewer", Assert.Single(await ReconciledAsync(storage, missed, missed.AddHours(1))).Verdict);

        // An hour later the backlog is in: the next on-time run checks the caught-up hours again.
        await WriteAsync(storage, ResourceRef.Parse(ResourceId), missed.AddMinutes(10), 5);
        storage.Time.Advance(TimeSpan.FromHours(1));
        var recheck = await job.RunAsync();
        Assert.Equal(_eight.AddHours(1), recheck.Min(r => r.From));
        Assert.Equal("equal", Assert.Single(await ReconciledAsync(storage, missed, missed.AddHours(1))).Verdict);

        // Then only the last LookbackHours hours again.
        storage.Time.Advance(TimeSpan.FromHours(1));
        var next = await job.RunAsync();
        Assert.Equal([_eight.AddDays(1).AddHours(2), _eight.AddDays(1).AddHours(3), _eight.AddDays(1).AddHours(4)], next.Select(r => r.From));
    }

    [Fact]
    public async Task RunAsync_StoppedLongerThanMaxCatchUpHours_GoesBackThatFarOnly()
    {
        await using var server = await FakeMetricsServer.StartAsync();
        await using var storage = Create(azurite, server, ResourceId, ("AcsFunctions:Reconcile:MaxCatchUpHours", "10"));
        var job = storage.Services.GetRequiredService<ReconcileJob>();
        await job.RunAsync();
        storage.Time.Advance(TimeSpan.FromDays(1));

        var reports = await job.RunAsync();

        Assert.Equal(10, reports.Count);
        Assert.Equal(_eight.AddDays(1).AddHours(3).AddHours(-10), reports.Min(r => r.From));
    }

    [Fact]
    public async Task RunAsync_OneResourceRefused_TheOthersAreStillReconciled_AndTheRunFails_AndTheNextRunTakesItsHoursUp()
    {
        const string Refused = "/subscriptions/00000000-0000-0000-0000-000000000002/resourceGroups/rg-comms/providers/Microsoft.Communication/CommunicationServices/acs-refused";
        await using var server = await FakeMetricsServer.StartAsync();
        server.Points.Add(new PlatformMetricPoint("APIRequestChat", "SendChatMessage", "201", _eight.AddDays(1).AddMinutes(5), 10));
        var logs = new CapturedLogs();
        await using var storage = Create(azurite, server, Refused, logs, ("AcsFunctions:Reconcile:Resources:1", ResourceId));
        await WriteAsync(storage, ResourceRef.Parse(ResourceId), _eight.AddDays(1).AddMinutes(5), 10);
        var job = storage.Services.GetRequiredService<ReconcileJob>();
        var store = storage.Services.GetRequiredService<ReconcileResultStore>();
        await job.RunAsync(); // both checked through 09:00
        server.DeniedResources["acs-refused"] = true;
        storage.Time.Advance(TimeSpan.FromDays(1));

        var failure = await Assert.ThrowsAsync<AggregateException>(() => job.RunAsync());

        Assert.Contains("acs-refused", Assert.Single(failure.InnerExceptions).Message, StringComparison.Ordinal);
        var row = Assert.Single(await ReconciledAsync(storage, _eight.AddDays(1), _eight.AddDays(1).AddHours(1)), r => r.ResourceName == ResourceRef.Parse(ResourceId).Name);
        Assert.Equal("equal", row.Verdict);
        Assert.Equal(_eight.AddDays(1).AddHours(1), await store.ReadCheckedThroughAsync(ResourceId));
        Assert.Equal(_eight.AddHours(1), await store.ReadCheckedThroughAsync(Refused)); // did not advance
        var logged = Assert.Single(logs.Entries, e => e.Id.Name == "ReconcileResourceFailed"); // once, and the host logs the stack once
        Assert.Equal(LogLevel.Warning, logged.Level);

        // Access granted again: the next run reconciles the refused resource's hours since its last check, the other's look-back.
        server.DeniedResources.Clear();
        storage.Time.Advance(TimeSpan.FromHours(1));
        var next = await job.RunAsync();
        Assert.Equal(Hours(_eight.AddHours(1), _eight.AddDays(1).AddHours(4)), next.Where(r => r.ResourceId == Refused).Select(r => r.From));
        Assert.Equal(Hours(_eight.AddDays(1).AddHours(1), _eight.AddDays(1).AddHours(4)), next.Where(r => r.ResourceId == ResourceId).Select(r => r.From));
    }

    [Fact]
    public async Task RunAsync_PastDueWithNoProgressRowYet_FinalizesNoHour_TheNextOnTimeRunChecksItAgain()
    {
        await using var server = await FakeMetricsServer.StartAsync();
        await using var storage = Create(azurite, server, ResourceId);
        var job = storage.Services.GetRequiredService<ReconcileJob>();

        var first = await job.RunAsync(pastDue: true);
        storage.Time.Advance(TimeSpan.FromHours(1));
        var next = await job.RunAsync();

        Assert.Equal(Hours(_eight, _eight.AddHours(3)), first.Select(r => r.From));
        Assert.Equal(Hours(_eight, _eight.AddHours(4)), next.Select(r => r.From)); // 08:00 again: its check in the past-due run was not its last
        Assert.Equal(_eight.AddHours(2), await storage.Services.GetRequiredService<ReconcileResultStore>().ReadCheckedThroughAsync(ResourceId));
    }

    [Fact]
    public async Task RunAsync_HourStillWaitingForTheRollup_IsNotFinal_TheNextRunChecksItAgain()
    {
        await using var server = await FakeMetricsServer.StartAsync();
        await using var storage = Create(azurite, server, StoredRecords.ResourceId);
        var job = storage.Services.GetRequiredService<ReconcileJob>();
        await job.RunAsync();
        storage.Time.Advance(TimeSpan.FromDays(1));

        // The hour 15:00 of the first day: its log is ingested (after the restart, from the hub's backlog) but not rolled up
        // when the first on-time run compares it.
        var missed = _eight.AddHours(7);
        server.Points.Add(new PlatformMetricPoint("APIRequestAuthentication", "CreateToken", "201", missed.AddMinutes(10), 1));
        await storage.Pipeline.IngestAsync([RollupTestData.Body([RollupTestData.Request(missed.AddMinutes(10), 12)])]);
        await job.RunAsync();
        Assert.Equal((1, 0, "fewer"), Single(await ReconciledAsync(storage, missed, missed.AddHours(1))));
        Assert.Equal(missed, await storage.Services.GetRequiredService<ReconcileResultStore>().ReadCheckedThroughAsync(StoredRecords.ResourceId));

        Assert.Equal(0, (await RollupTestData.RollupAsync(storage)).Failed);
        storage.Time.Advance(TimeSpan.FromHours(1));
        var recheck = await job.RunAsync();

        Assert.Equal(Hours(missed, _eight.AddDays(1).AddHours(4)), recheck.Select(r => r.From));
        Assert.Equal((1, 1, "equal"), Single(await ReconciledAsync(storage, missed, missed.AddHours(1))));
        Assert.Equal(_eight.AddDays(1).AddHours(2), await storage.Services.GetRequiredService<ReconcileResultStore>().ReadCheckedThroughAsync(StoredRecords.ResourceId));

        static (long, long, string) Single(List<ReconciliationRow> rows) => Assert.Single(rows) is var r ? (r.Platform, r.Ours, r.Verdict) : default;
    }

    /// <summary>
    /// A pending roll-up of a category reconciliation does not compare (email delivery reports) leaves the API-request
    /// counts alone, so it does not hold the resource's progress: one such window whose roll-up kept failing held it for
    /// up to the minute-row retention, every run re-checking a growing number of hours.
    /// </summary>
    [Fact]
    public async Task RunAsync_PendingRollupOfACategoryNotReconciled_DoesNotHoldProgress()
    {
        await using var server = await FakeMetricsServer.StartAsync();
        await using var storage = Create(azurite, server, StoredRecords.ResourceId);
        var job = storage.Services.GetRequiredService<ReconcileJob>();
        await job.RunAsync();
        storage.Time.Advance(TimeSpan.FromDays(1));

        var missed = _eight.AddHours(7);
        await storage.Pipeline.IngestAsync([RollupTestData.Body([RollupTestData.Request(missed.AddMinutes(10), 12, category: Categories.EmailStatusUpdateOperational)])]);
        await job.RunAsync();

        Assert.Equal(_eight.AddDays(1).AddHours(1), await storage.Services.GetRequiredService<ReconcileResultStore>().ReadCheckedThroughAsync(StoredRecords.ResourceId));
    }

    [Fact]
    public async Task RunAsync_CatchUpOlderThanTheMinuteRowsRetentionKept_StoresNoOursZeroRows_AndWarnsCatchUpLimited()
    {
        await using var server = await FakeMetricsServer.StartAsync();
        var logs = new CapturedLogs();
        await using var storage = TestStorage.Create(
            azurite.ConnectionString,
            new Dictionary<string, string?>
            {
                ["AcsFunctions:Reconcile:Resources:0"] = StoredRecords.ResourceId,
                ["AcsFunctions:Reconcile:LookbackHours"] = "3",
                ["AcsFunctions:Reconcile:MaxCatchUpHours"] = "2232",
                ["AcsFunctions:Retention:MinuteAggregates"] = "1.00:00:00",
            },
            services =>
            {
                services.AddSingleton(server.Credential);
                services.AddSingleton(server.ClientOptions());
                services.AddSingleton<ILoggerProvider>(logs);
            });

        // Stopped two days: API requests two days ago and in the look-back, rolled up; retention then deleted the minute
        // rows older than a day (their hourly and daily rows stay).
        var old = _eight.AddDays(-2);
        server.Points.Add(new PlatformMetricPoint("APIRequestAuthentication", "CreateToken", "201", old.AddMinutes(10), 3));
        server.Points.Add(new PlatformMetricPoint("APIRequestAuthentication", "CreateToken", "201", _eight.AddMinutes(10), 2));
        await storage.Pipeline.IngestAsync([RollupTestData.Body([.. Enumerable.Range(0, 3).Select(i => RollupTestData.Request(old.AddMinutes(10).AddSeconds(i), 12))]),
            RollupTestData.Body([.. Enumerable.Range(0, 2).Select(i => RollupTestData.Request(_eight.AddMinutes(10).AddSeconds(i), 12))])]);
        Assert.Equal(0, (await RollupTestData.RollupAsync(storage)).Failed);
        await storage.Services.GetRequiredService<ReconcileResultStore>().SaveCheckedThroughAsync(StoredRecords.ResourceId, old);
        await storage.Services.GetRequiredService<RetentionService>().RunAsync(dryRun: false);
        Assert.DoesNotContain(await storage.AllAsync(TableNames.AggApiRequests), r => r.PartitionKey == AcsFunctions.Storage.Windows.Key(old.AddMinutes(10)));

        var reports = await storage.Services.GetRequiredService<ReconcileJob>().RunAsync();

        // 12:00 − 1 day → the cutoff 2026-11-22 12:00: the hours from there on, none before.
        var cutoff = _eight.AddDays(-1).AddHours(4);
        Assert.Equal(Hours(cutoff, _eight.AddHours(3)), reports.Select(r => r.From));
        var rows = await ReconciledAsync(storage, old.AddHours(-1), _eight.AddHours(3));
        Assert.DoesNotContain(rows, r => r.WindowStart < cutoff);
        Assert.Equal((2, 2, "equal"), Assert.Single(rows) is var row ? (row.Platform, row.Ours, row.Verdict) : default);
        var warning = Assert.Single(logs.Entries, e => e.Id.Name == "ReconcileCatchUpLimited");
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("AcsFunctions:Retention:MinuteAggregates", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_StoppedLongerThanMaxCatchUpHours_WarnsCatchUpLimited_NamingTheSetting()
    {
        await using var server = await FakeMetricsServer.StartAsync();
        var logs = new CapturedLogs();
        await using var storage = Create(azurite, server, ResourceId, logs, ("AcsFunctions:Reconcile:MaxCatchUpHours", "10"));
        var job = storage.Services.GetRequiredService<ReconcileJob>();
        await job.RunAsync();
        storage.Time.Advance(TimeSpan.FromDays(1));

        await job.RunAsync();

        var warning = Assert.Single(logs.Entries, e => e.Id.Name == "ReconcileCatchUpLimited");
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("AcsFunctions:Reconcile:MaxCatchUpHours", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task Retention_WithAProgressRow_KeepsIt_AndStatusDoesNotReportItAsTheOldestRow()
    {
        await using var server = await FakeMetricsServer.StartAsync();
        server.Points.Add(new PlatformMetricPoint("APIRequestChat", "SendChatMessage", "201", _eight.AddMinutes(5), 3));
        await using var storage = Create(azurite, server, ResourceId);
        await storage.Services.GetRequiredService<ReconcileJob>().RunAsync();
        var retention = storage.Services.GetRequiredService<RetentionService>();
        var before = Assert.Single(await retention.StatusAsync(), s => s.Table == ReconcileResultStore.TableName);

        storage.Time.Advance(TimeSpan.FromDays(100)); // past Reconciliation's 93 days
        await retention.RunAsync(dryRun: false);
        var after = Assert.Single(await retention.StatusAsync(), s => s.Table == ReconcileResultStore.TableName);

        Assert.Equal(_eight, before.OldestRow);
        Assert.Null(after.OldestRow); // every hour went; the progress row is no hour
        var progress = Assert.Single(await storage.AllAsync(ReconcileResultStore.TableName));
        Assert.Equal((ReconcileResultStore.ProgressPartition, ResourceRef.Parse(ResourceId).Id), (progress.PartitionKey, progress.GetString("ResourceId")));
        Assert.Equal(_eight.AddHours(1), await storage.Services.GetRequiredService<ReconcileResultStore>().ReadCheckedThroughAsync(ResourceId));
    }

    private static TestStorage Create(AzuriteFixture azurite, FakeMetricsServer server, string resourceId, params (string Key, string Value)[] more) =>
        Create(azurite, server, resourceId, null, more);

    private static TestStorage Create(AzuriteFixture azurite, FakeMetricsServer server, string resourceId, CapturedLogs? logs, params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?> { ["AcsFunctions:Reconcile:Resources:0"] = resourceId, ["AcsFunctions:Reconcile:LookbackHours"] = "3" };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return TestStorage.Create(azurite.ConnectionString, settings, services =>
        {
            services.AddSingleton(server.Credential);
            services.AddSingleton(server.ClientOptions());
            if (logs is not null)
            {
                services.AddSingleton<ILoggerProvider>(logs);
            }
        });
    }

    /// <summary>Every hour start in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    private static List<DateTimeOffset> Hours(DateTimeOffset from, DateTimeOffset to) =>
        [.. Enumerable.Range(0, (int)(to - from).TotalHours).Select(h => from.AddHours(h))];

    private static async Task<List<ReconciliationRow>> ReconciledAsync(TestStorage storage, DateTimeOffset from, DateTimeOffset to)
    {
        var result = await storage.Services.GetRequiredService<QueryService>().QueryAsync(
            ReconciliationQuery.KindName,
            new Dictionary<string, string?> { ["from"] = from.ToString("O"), ["to"] = to.ToString("O") });
        return result.Rows.Cast<ReconciliationRow>().ToList();
    }

    private static async Task WriteAsync(TestStorage storage, ResourceRef resource, DateTimeOffset window, long count)
    {
        var table = storage.Table(TableNames.AggApiRequests);
        await table.CreateIfNotExistsAsync();
        await table.UpsertEntityAsync(new TableEntity(AcsFunctions.Storage.Windows.Key(window), KeyEncoder.Join(resource.Key, Categories.ChatOperational, "SendChatMessage", "201"))
        {
            ["ResourceKey"] = resource.Key,
            ["ResourceId"] = resource.Id,
            ["ResourceName"] = resource.Name,
            ["Category"] = Categories.ChatOperational,
            ["Operation"] = "SendChatMessage",
            ["StatusCode"] = "201",
            ["Count"] = count,
        });
    }
}
