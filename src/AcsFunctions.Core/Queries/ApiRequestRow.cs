using AcsFunctions.Rollups;

namespace AcsFunctions.Queries;

/// <summary>
/// One <c>api-requests</c> row: API requests of one (window, resource, category, operation, status code).
/// Durations in milliseconds; percentiles from the merged histogram (±1%), min/max/avg exact.
/// </summary>
public sealed record ApiRequestRow : QueryRow
{
    /// <inheritdoc />
    internal override DateTimeOffset FlagWindow => WindowStart;

    /// <summary>Start of the window (UTC).</summary>
    public required DateTimeOffset WindowStart { get; init; }

    /// <summary>The ACS resource id.</summary>
    public required string ResourceId { get; init; }

    /// <summary>The ACS resource name.</summary>
    public required string ResourceName { get; init; }

    /// <summary>Category.</summary>
    public required string Category { get; init; }

    /// <summary>Operation.</summary>
    public required string Operation { get; init; }

    /// <summary>Status code as text.</summary>
    public required string StatusCode { get; init; }

    /// <summary>Status class.</summary>
    public required string StatusClass { get; init; }

    /// <summary>Requests.</summary>
    public long Count { get; init; }

    /// <summary>Failed requests.</summary>
    public long Failed { get; init; }

    /// <summary>Shortest duration.</summary>
    public double? DurationMsMin { get; init; }

    /// <summary>Mean duration.</summary>
    public double? DurationMsAvg { get; init; }

    /// <summary>Median duration.</summary>
    public double? DurationMsP50 { get; init; }

    /// <summary>95th percentile duration.</summary>
    public double? DurationMsP95 { get; init; }

    /// <summary>99th percentile duration.</summary>
    public double? DurationMsP99 { get; init; }

    /// <summary>Longest duration.</summary>
    public double? DurationMsMax { get; init; }

    /// <summary>SMS delivery reports Delivered.</summary>
    public long SmsDelivered { get; init; }

    /// <summary>SMS delivery reports Failed.</summary>
    public long SmsFailed { get; init; }

    /// <summary>SMS delivery reports Blocked (ErrorCode 4005, 4010).</summary>
    public long SmsBlocked { get; init; }

    /// <summary>
    /// SMS delivery reports whose carrier does not report delivery (ErrorCode 5002): with Delivered, Failed and Blocked,
    /// every delivery report is in exactly one outcome.
    /// </summary>
    public long SmsUnknown { get; init; }

    /// <summary>The row of an aggregate.</summary>
    public static ApiRequestRow From(ApiRequestAggregate a) => new()
    {
        WindowStart = a.WindowStart,
        ResourceId = a.Resource.Id,
        ResourceName = a.Resource.Name,
        Category = a.Category,
        Operation = a.Operation,
        StatusCode = a.StatusCode,
        StatusClass = a.StatusClass,
        Count = a.Count,
        Failed = a.Failed,
        DurationMsMin = QueryJson.Round(a.DurationMs.Min),
        DurationMsAvg = QueryJson.Round(a.DurationMs.Average),
        DurationMsP50 = QueryJson.Round(a.DurationMs.Quantile(0.50)),
        DurationMsP95 = QueryJson.Round(a.DurationMs.Quantile(0.95)),
        DurationMsP99 = QueryJson.Round(a.DurationMs.Quantile(0.99)),
        DurationMsMax = QueryJson.Round(a.DurationMs.Max),
        SmsDelivered = a.SmsDelivered,
        SmsFailed = a.SmsFailed,
        SmsBlocked = a.SmsBlocked,
        SmsUnknown = a.SmsUnknown,
    };
}
