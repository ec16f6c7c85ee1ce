using AcsFunctions.FunctionApp;
using AcsFunctions.Tests.Infrastructure;
using Azure.Identity;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace AcsFunctions.Tests.FunctionApp;

/// <summary>
/// The pipeline's counters leave the worker through the app's OpenTelemetry registration (the same meter provider the
/// Azure Monitor exporter is attached to in Azure): an in-memory exporter added to the real host collects them.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TelemetryTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task An_ingested_batch_emits_records_stored_dead_lettered_by_reason_and_lag_for_its_partition()
    {
        var exported = new List<Metric>();
        await using var app = AppHost.Build(azurite.ConnectionString, configure: s => s.AddOpenTelemetry().WithMetrics(m => m.AddInMemoryExporter(exported)));
        var partition = "telemetry-" + Guid.NewGuid().ToString("N")[..8];

        // Starting the host creates the meter provider (OpenTelemetry's hosted service); the test host is built, not
        // started, so it is created here, before the invocation, as it would be.
        var meters = app.Services.GetRequiredService<MeterProvider>();
        await FunctionInvocationTests.InvokeAsync(app, EventHubBatch.WithOneMalformedBody(partition));
        Assert.True(meters.ForceFlush());

        Assert.Equal(4, Sum(exported, "acs.ingest.records", partition));
        Assert.Equal(3, Sum(exported, "acs.ingest.stored", partition));
        Assert.Equal(0, Sum(exported, "acs.ingest.unclassified", partition));
        Assert.Equal(1, Sum(exported, "acs.ingest.dead_lettered", partition, ("reason", "invalid-json")));
        var lag = Points(exported, "acs.ingest.lag", partition).ToList();
        Assert.Equal(3, lag.Sum(p => p.GetHistogramCount()));
        Assert.All(lag, p => Assert.True(p.GetHistogramSum() > 0));
    }

    [Fact]
    public void The_template_identity_authentication_string_selects_the_managed_identity()
    {
        Assert.IsType<ManagedIdentityCredential>(FunctionAppTelemetryServiceCollectionExtensions.Credential("ClientId=00000000-0000-0000-0000-000000000001;Authorization=AAD"));
        Assert.IsType<ManagedIdentityCredential>(FunctionAppTelemetryServiceCollectionExtensions.Credential("Authorization=AAD"));
        Assert.Null(FunctionAppTelemetryServiceCollectionExtensions.Credential(null));
        Assert.Null(FunctionAppTelemetryServiceCollectionExtensions.Credential("ClientId=x"));
    }

    internal static long Sum(List<Metric> exported, string name, string partition, params (string Key, string Value)[] tags) =>
        Points(exported, name, partition, tags).Sum(p => p.GetSumLong());

    internal static IEnumerable<MetricPoint> Points(List<Metric> exported, string name, string partition, params (string Key, string Value)[] tags)
    {
        foreach (var metric in exported.Where(m => m.Name == name))
        {
            foreach (var point in metric.GetMetricPoints())
            {
                var pointTags = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var tag in point.Tags)
                {
                    pointTags[tag.Key] = tag.Value;
                }

                if (Equals(pointTags.GetValueOrDefault("partition"), partition) && tags.All(t => Equals(pointTags.GetValueOrDefault(t.Key), t.Value)))
                {
                    yield return point;
                }
            }
        }
    }
}
