namespace AcsFunctions.Reconcile;

/// <summary>
/// Reads ACS platform metrics (Azure Monitor) split by operation and status code. One implementation today
/// (<see cref="AzureMonitorMetricsClient"/>, REST through an Azure.Core pipeline); swapping in the
/// Azure.Monitor.Query package later is one class.
/// </summary>
public interface IPlatformMetricsClient
{
    /// <summary>The counts of every (metric, operation, status code, window) with data in the query's range.</summary>
    /// <exception cref="PlatformMetricsAccessDeniedException">The identity may not read the resource's metrics (401/403).</exception>
    /// <exception cref="Azure.RequestFailedException">Any other service error (after the SDK's retries).</exception>
    Task<IReadOnlyList<PlatformMetricPoint>> GetAsync(PlatformMetricsQuery query, CancellationToken cancellationToken = default);
}
