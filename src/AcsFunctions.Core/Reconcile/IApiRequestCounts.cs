namespace AcsFunctions.Reconcile;

/// <summary>Our API-request counts (the <c>AggApiRequests</c> roll-up) for one resource and time range.</summary>
public interface IApiRequestCounts
{
    /// <summary>Counts per minute window, category, operation and status code in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    Task<IReadOnlyList<ApiRequestCount>> GetAsync(string resourceId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);
}
