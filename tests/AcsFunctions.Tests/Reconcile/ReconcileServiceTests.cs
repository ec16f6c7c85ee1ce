using System.Diagnostics;
using AcsFunctions.Dispatch;
using AcsFunctions.Reconcile;
using AcsFunctions.Records;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Tests.Reconcile;

[Collection(AzuriteCollection.Name)]
public sealed class ReconcileServiceTests(AzuriteFixture azurite)
{
    internal const string ResourceId = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-comms/providers/Microsoft.Communication/CommunicationServices/acs-reconcile";
    internal static readonly DateTimeOffset Start = new(2025, 3, 4, 10, 0, 0, TimeSpan.Zero);

    /// <summary>Our side as the logs name things (category, log operationName, status, minute, count).</summary>
    internal static readonly (string Category, string Operation, string Status, int Minute, long Count)[] Traffic =
    [
        (Categories.ChatOperational, "SendChatMessage", "201", 0, 40),
        (Categories.ChatOperational, "SendChatMessage", "201", 75, 12),
        (Categories.ChatOperational, "SendChatMessage", "429", 3, 2),
        (Categories.ChatOperational, "GetChatThread", "200", 61, 7),
        (Categories.SmsOperational, "SMSMessagesSent", "202", 5, 30),
        (Categories.SmsOperational, "SMSDeliveryReportsReceived", "200", 65, 25),
        (Categories.CallAutomationOperational, "CreateCall", "201", 10, 9),
        (Categories.JobRouterOperational, "UpsertJob", "200", 20, 4),
    ];

    [Fact]
    public async Task RunAsync_EqualDataPagedResponses_EveryRowEqual()
    {
        await using var server = await FakeMetricsServer.StartAsync();
        server.Points.AddRange(PlatformPoints());
        server.SeriesPerPage = 1;
        await using var storage = Storage(server);
        await WriteOursAsync(storage, Traffic);

        var report = await Service(storage).RunAsync(Request());

        Assert.True(report.AllEqual, string.Join("; ", report.Rows.Where(r => r.Verdict != ReconcileVerdict.Equal).Select(r => $"{r.Metric}/{r.Operation}/{r.StatusCode}: {r.Platform} vs {r.Ours}")));
        Assert.Equal(Traffic.Select(t => (t.Category, t.Operation, t.Status)).Distinct().Count(), report.Rows.Count);
        Assert.Equal(Traffic.Sum(t => t.Count), report.Platform);
        Assert.Equal(report.Platform, report.Ours);
        Assert.Equal(ReconcileVerdict.Equal, report.Verdict);
        Assert.Contains(report.Rows, r => r.Metric == "APIRequestSMS" && r.Operation == "SMSMessageSent" && r.Ours == 30);
        Assert.Contains(report.Rows, r => r.Metric == "APIRequestCallAutomation" && r.Operation == "Create Call" && r.Ours == 9);
        Assert.Contains(server.Requests, q => q.PathAndQuery.Contains("skiptoken", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task RunAsync_TwoRecordsTheMetricDidNotCount_OneRowMoreByTwo_AndTheTotalSaysMore()
    {
        await using var server = await FakeMetricsServer.StartAsync();
        server.Points.AddRange(PlatformPoints());
        await using var storage = Storage(server);
        var ours = Traffic.ToArray();
        ours[3] = ours[3] with { Count = ours[3].Count + 2 }; // GetChatThread 200 at 11:01: two records the platform did not count
        await WriteOursAsync(storage, ours);

        var report = await Service(storage).RunAsync(Request() with { Grain = TimeSpan.FromMinutes(1) });

        var differing = Assert.Single(report.Rows, r => r.Verdict != ReconcileVerdict.Equal);
        Assert.Equal(("APIRequestChat", "GetChatThread", "200"), (differing.Metric, differing.Operation, differing.StatusCode));
        Assert.Equal(ReconcileVerdict.More, differing.Verdict);
        Assert.Equal((7, 9, 2), (differing.Platform, differing.Ours, differing.Difference));
        Assert.Equal(Start.AddMinutes(61), Assert.Single(differing.DifferingWindows).Start);
        Assert.Equal(2, report.Difference);
        Assert.Equal(ReconcileVerdict.More, report.Verdict);
        Assert.False(report.AllEqual);
    }

    [Fact]
    public async Task RunAsync_OneRecordMissingFromOurs_OneRowFewerByOneInTheRightOperationAndStatus()
    {
        await using var server = await FakeMetricsServer.StartAsync();
        server.Points.AddRange(PlatformPoints());
        await using var storage = Storage(server);
        var ours = Traffic.ToArray();
        ours[1] = ours[1] with { Count = ours[1].Count - 1 }; // SendChatMessage 201 at 11:15 lost one record
        await WriteOursAsync(storage, ours);

        var report = await Service(storage).RunAsync(Request() with { Grain = TimeSpan.FromMinutes(1) });

        var differing = Assert.Single(report.Rows, r => r.Verdict != ReconcileVerdict.Equal);
        Assert.Equal(("APIRequestChat", "SendChatMessage", "201"), (differing.Metric, differing.Operation, differing.StatusCode));
        Assert.Equal(ReconcileVerdict.Fewer, differing.Verdict);
        Assert.Equal(-1, differing.Difference);
        var window = Assert.Single(differing.DifferingWindows);
        Assert.Equal(Start.AddMinutes(75), window.Start);
        Assert.Equal(-1, report.Difference);
        Assert.Equal(ReconcileVerdict.Fewer, report.Verdict);
    }

    [Fact]
    public async Task RunAsync_Throttled_RetriedAfterTheStatedDelay()
    {
        await using var server = await FakeMetricsServer.StartAsync();
        server.Points.AddRange(PlatformPoints());
        server.Throttle(times: 1, seconds: 1);
        await using var storage = Storage(server);
        await WriteOursAsync(storage, Traffic);

        var report = await Service(storage).RunAsync(Request());

        Assert.True(report.AllEqual);
        var requests = server.Requests.ToArray();
        Assert.Equal(429, requests[0].Status);
        Assert.Equal(200, requests[1].Status);
        Assert.True(Stopwatch.GetElapsedTime(requests[0].Timestamp, requests[1].Timestamp) >= TimeSpan.FromMilliseconds(950), "retried before Retry-After elapsed");
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public async Task RunAsync_AccessDenied_ClearErrorNamingMonitoringReader(int status)
    {
        await using var server = await FakeMetricsServer.StartAsync();
        server.DenyWith = status;
        await using var storage = Storage(server);

        var error = await Assert.ThrowsAsync<PlatformMetricsAccessDeniedException>(() => Service(storage).RunAsync(Request()));

        Assert.Equal(status, error.Status);
        Assert.Contains("Monitoring Reader", error.Message, StringComparison.Ordinal);
        Assert.Contains("acs-reconcile", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Single(server.Requests); // not retried
    }

    [Theory]
    [InlineData("SMSMessageSent", "SMSMessagesSent")]
    [InlineData("Create Call", "CreateCall")]
    [InlineData("Transfer Call To Participant", "transferCallToParticipant")]
    public void OperationKey_MetricAndLogSpellings_Match(string metric, string log) =>
        Assert.Equal(ApiRequestMetrics.OperationKey(metric), ApiRequestMetrics.OperationKey(log));

    private static ReconcileRequest Request() => new()
    {
        ResourceId = ResourceId,
        From = Start,
        To = Start.AddHours(2),
        Grain = TimeSpan.FromHours(1),
    };

    /// <summary>The same traffic as the platform reports it (its metric names and operation spellings).</summary>
    internal static IEnumerable<PlatformMetricPoint> PlatformPoints() => Traffic.Select(t =>
    {
        var metric = ApiRequestMetrics.ForCategory(t.Category)!.Name;
        var operation = t.Operation switch
        {
            "SMSMessagesSent" => "SMSMessageSent",
            "CreateCall" => "Create Call",
            _ => t.Operation,
        };
        return new PlatformMetricPoint(metric, operation, t.Status, Start.AddMinutes(t.Minute), t.Count);
    });

    private TestStorage Storage(FakeMetricsServer server) => TestStorage.Create(azurite.ConnectionString, configure: services =>
    {
        services.AddSingleton(server.Credential);
        services.AddSingleton(server.ClientOptions());
    });

    private static ReconcileService Service(TestStorage storage) => storage.Services.GetRequiredService<ReconcileService>();

    /// <summary>Our roll-up rows, written in the AggApiRequests contract (docs/architecture.md).</summary>
    internal static async Task WriteOursAsync(TestStorage storage, IEnumerable<(string Category, string Operation, string Status, int Minute, long Count)> rows)
    {
        var resource = ResourceRef.Parse(ResourceId);
        var table = storage.Table(TableNames.AggApiRequests);
        await table.CreateIfNotExistsAsync();
        foreach (var r in rows)
        {
            await table.UpsertEntityAsync(new TableEntity(AcsFunctions.Storage.Windows.Key(Start.AddMinutes(r.Minute)), KeyEncoder.Join(resource.Key, r.Category, r.Operation, r.Status))
            {
                ["ResourceKey"] = resource.Key,
                ["ResourceId"] = resource.Id,
                ["Category"] = r.Category,
                ["Operation"] = r.Operation,
                ["StatusCode"] = r.Status,
                ["Count"] = r.Count,
            });
        }
    }
}
