using AcsFunctions.Dispatch;
using AcsFunctions.Queries;
using AcsFunctions.Reconcile;
using AcsFunctions.Records;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;

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

        Assert.Equal(_eight.AddHours(1), reports.Min(r => r.From)); // 08:00 had its last check in the first run (the back of its window)
        Assert.Equal(_eight.AddDays(1).AddHours(2), reports.Max(r => r.From));
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
    public async Task RunAsync_OneResourceRefused_TheOthersAreStillReconciled_AndTheRunFails()
    {
        const string Refused = "/subscriptions/00000000-0000-0000-0000-000000000002/resourceGroups/rg-comms/providers/Microsoft.Communication/CommunicationServices/acs-refused";
        await using var server = await FakeMetricsServer.StartAsync();
        server.DeniedResources["acs-refused"] = true;
        server.Points.Add(new PlatformMetricPoint("APIRequestChat", "SendChatMessage", "201", _eight.AddMinutes(5), 10));
        await using var storage = Create(azurite, server, Refused, ("AcsFunctions:Reconcile:Resources:1", ResourceId));
        await WriteAsync(storage, ResourceRef.Parse(ResourceId), _eight.AddMinutes(5), 10);

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => storage.Services.GetRequiredService<ReconcileJob>().RunAsync());

        Assert.Contains("acs-refused", failure.ToString(), StringComparison.Ordinal);
        var row = Assert.Single(await ReconciledAsync(storage, _eight, _eight.AddHours(1)));
        Assert.Equal((ResourceRef.Parse(ResourceId).Name, "equal"), (row.ResourceName, row.Verdict));
    }

    private static TestStorage Create(AzuriteFixture azurite, FakeMetricsServer server, string resourceId, params (string Key, string Value)[] more)
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
        });
    }

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
