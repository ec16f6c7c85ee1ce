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
