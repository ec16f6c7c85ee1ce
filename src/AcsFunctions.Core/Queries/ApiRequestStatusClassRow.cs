using AcsFunctions.Rollups;

namespace AcsFunctions.Queries;

/// <summary>
/// One <c>api-requests</c> row of view <c>status-classes</c>: the requests of one (window, status class), summed over
/// every resource, category, operation and status code of the class the query selects.
/// </summary>
public sealed record ApiRequestStatusClassRow : QueryRow
{
    /// <inheritdoc />
    internal override DateTimeOffset FlagWindow => WindowStart;

    /// <summary>Start of the window (UTC).</summary>
    public required DateTimeOffset WindowStart { get; init; }

    /// <summary>Status class (<c>2xx</c>, <c>4xx</c>, <c>429</c>, <c>5xx</c>, <c>unknown</c>).</summary>
    public required string StatusClass { get; init; }

    /// <summary>Requests.</summary>
    public long Count { get; init; }

    /// <summary>Failed requests.</summary>
    public long Failed { get; init; }

    /// <summary>The row of an aggregate merged over a status class.</summary>
    public static ApiRequestStatusClassRow From(ApiRequestAggregate a) => new()
    {
        WindowStart = a.WindowStart,
        StatusClass = a.StatusClass,
        Count = a.Count,
        Failed = a.Failed,
    };
}
