using AcsFunctions.Dispatch;

namespace AcsFunctions.Schemas.PlatformMetrics;

/// <summary>Platform-metric records (<c>metricName</c> + <c>timeGrain</c>; acs-data-contract §4.11, §5): stored, not rolled up.</summary>
public sealed class PlatformMetricModule : CategoryModule
{
    /// <inheritdoc />
    public override IReadOnlyList<CategorySpec> Categories { get; } =
    [
        new()
        {
            Name = Dispatch.Categories.PlatformMetric,
            DocumentedFields = ["metricName", "timeGrain", "count", "total", "minimum", "maximum", "average"],
            EnrichedColumns = ["MetricName", "TimeGrain", "Count", "Total", "Average"],
        },
    ];

    /// <inheritdoc />
    public override IRecordHandler Handler { get; } = new PlatformMetricHandler();

    /// <inheritdoc />
    /// <remarks>The data contract's metric record (§4.11); metric records are not part of the demo samples.</remarks>
    public override string? SampleJson =>
        """{"records":[{"count":12,"total":12,"minimum":1,"maximum":1,"average":1,"resourceId":"/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS-PROD","time":"2025-03-04T10:15:00.0000000Z","metricName":"APIRequestChat","timeGrain":"PT1M"}]}""";

    /// <inheritdoc />
    public override IReadOnlyList<string> SummaryColumns => ["MetricName"];
}
