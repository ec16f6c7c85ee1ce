using AcsFunctions.Rollups;

namespace AcsFunctions.Queries;

/// <summary>
/// One <c>api-requests</c> row of view <c>status-codes</c>: the requests of one (window, status code), summed over every
/// resource, category and operation the query selects.
/// </summary>
public sealed record ApiRequestStatusCodeRow : QueryRow
{
    /// <inheritdoc />
    internal override DateTimeOffset FlagWindow => WindowStart;

    /// <summary>Start of the window (UTC).</summary>
    public required DateTimeOffset WindowStart { get; init; }

    /// <summary>Status code as text.</summary>
    public required string StatusCode { get; init; }

    /// <summary>Status class of the code.</summary>
    public required string StatusClass { get; init; }

    /// <summary>Requests.</summary>
    public long Count { get; init; }

    /// <summary>Failed requests.</summary>
    public long Failed { get; init; }

    /// <summary>The row of an aggregate merged over a status code's resources, categories and operations.</summary>
    public static ApiRequestStatusCodeRow From(ApiRequestAggregate a) => new()
    {
        WindowStart = a.WindowStart,
        StatusCode = a.StatusCode,
        StatusClass = a.StatusClass,
        Count = a.Count,
        Failed = a.Failed,
    };
}
