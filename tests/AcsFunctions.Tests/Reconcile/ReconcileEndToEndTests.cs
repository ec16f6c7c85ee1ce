using System.Text;
using AcsFunctions.Decoding;
using AcsFunctions.Generation;
using AcsFunctions.Reconcile;
using AcsFunctions.Rollups;
using AcsFunctions.Tests.Backfill;
using AcsFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Tests.Reconcile;

/// <summary>
/// Generated traffic → ingest → roll-up → reconcile against a local metrics server whose counts are computed
/// independently from the generated records (the platform's view: metric name, its operation spelling, status).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ReconcileEndToEndTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset _start = new(2026, 11, 21, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task RunAsync_IngestedAndRolledUp_AllEqual_AndOneRecordWithheld_OneRowShortByOne()
    {
        var lines = SyntheticLine.From(new GeneratorOptions { Calls = 2, ApiRequests = 900, Emails = 10, Minutes = 40, Seed = 31, Start = _start, ResourceName = "ACS-RECONCILE-E2E" });
        var api = lines.Where(l => ApiRequestMetrics.ForCategory(l.Category) is { } m && ApiRequestMetrics.All.Contains(m)).ToList();
        var withheld = api.First(l => l.Category == "ChatOperational" && l.Get("resultSignature") is "200" or "201");
        var ingested = lines.Where(l => !ReferenceEquals(l, withheld)).ToList();
        await using var server = await FakeMetricsServer.StartAsync();
        await using var storage = TestStorage.Create(azurite.ConnectionString, configure: services =>
        {
            services.AddSingleton(server.Credential);
            services.AddSingleton(server.ClientOptions());
        });
        foreach (var chunk in ingested.Chunk(500))
        {
            var body = new EventBody(Encoding.UTF8.GetBytes(string.Join('\n', chunk.Select(l => l.Json))), new Lineage { File = "e2e.ndjson" });
            Assert.Equal(0, (await storage.Pipeline.IngestAsync([body])).DeadLettered);
        }

        await storage.Services.GetRequiredService<RollupService>().RunAsync();
        var service = storage.Services.GetRequiredService<ReconcileService>();
        var request = new ReconcileRequest { ResourceId = lines[0].ResourceId, From = _start.AddHours(-1), To = _start.AddHours(3) };

        server.Points.AddRange(PlatformView(api.Where(l => !ReferenceEquals(l, withheld))));
        var equal = await service.RunAsync(request);
        server.Points.Clear();
        server.Points.AddRange(PlatformView(api));
        var short1 = await service.RunAsync(request with { Grain = TimeSpan.FromMinutes(1) });

        Assert.True(equal.AllEqual, string.Join("; ", equal.Rows.Where(r => r.Verdict != ReconcileVerdict.Equal).Select(r => $"{r.Metric}/{r.Operation}/{r.StatusCode}: {r.Platform} vs {r.Ours}")));
        Assert.Equal(api.Count - 1, equal.Ours);
        Assert.True(equal.Rows.Count > 10);
        var row = Assert.Single(short1.Rows, r => r.Verdict != ReconcileVerdict.Equal);
        Assert.Equal(("APIRequestChat", withheld.Get("operationName"), withheld.Get("resultSignature")), (row.Metric, row.Operation, row.StatusCode));
        Assert.Equal(-1, row.Difference);
        Assert.Equal(new DateTimeOffset(withheld.Time.Ticks - (withheld.Time.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero), Assert.Single(row.DifferingWindows).Start);
    }

    /// <summary>What Azure Monitor would report for these records: count per metric, its operation spelling, status and minute.</summary>
    private static IEnumerable<PlatformMetricPoint> PlatformView(IEnumerable<SyntheticLine> records) =>
        records
            .GroupBy(l => (
                Metric: ApiRequestMetrics.ForCategory(l.Category)!.Name,
                Operation: l.Get("operationName") == "SMSMessagesSent" ? "SMSMessageSent" : l.Get("operationName")!,
                Status: l.Get("resultSignature")!,
                Window: new DateTimeOffset(l.Time.Ticks - (l.Time.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero)))
            .Select(g => new PlatformMetricPoint(g.Key.Metric, g.Key.Operation, g.Key.Status, g.Key.Window, g.Count()));
}
