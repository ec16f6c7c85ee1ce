namespace AcsFunctions.Reconcile;

/// <summary>What to reconcile.</summary>
public sealed record ReconcileRequest
{
    /// <summary>The ACS resource id.</summary>
    public required string ResourceId { get; init; }

    /// <summary>Start (inclusive, UTC); floored to the grain.</summary>
    public required DateTimeOffset From { get; init; }

    /// <summary>End (exclusive, UTC); floored to the grain.</summary>
    public required DateTimeOffset To { get; init; }

    /// <value>Default one hour. Window size of the comparison: one minute or one hour.</value>
    public TimeSpan Grain { get; init; } = TimeSpan.FromHours(1);

    /// <value>Default <see cref="ApiRequestMetrics.All"/>. The metrics to compare.</value>
    public IReadOnlyList<ApiRequestMetric> Metrics { get; init; } = ApiRequestMetrics.All;
}
