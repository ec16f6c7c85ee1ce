namespace AcsFunctions.Reconcile;

/// <summary>What to read from the platform metrics.</summary>
/// <param name="ResourceId">The ACS resource id.</param>
/// <param name="From">Start (inclusive, UTC).</param>
/// <param name="To">End (exclusive, UTC).</param>
/// <param name="Grain">Window size: one minute or one hour.</param>
/// <param name="Metrics">The API-request metrics to read.</param>
public sealed record PlatformMetricsQuery(string ResourceId, DateTimeOffset From, DateTimeOffset To, TimeSpan Grain, IReadOnlyList<ApiRequestMetric> Metrics);
