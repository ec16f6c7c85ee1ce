using AcsFunctions.Rollups;

namespace AcsFunctions.Queries;

/// <summary>
/// One <c>api-requests</c> row of view <c>operations</c>: the requests of one (window, category, operation), summed over
/// every resource the query selects and every status code. <see cref="FailedPercent"/> is <c>failed / count × 100</c>
/// (null when there were no requests); duration percentiles come from the merged histograms (±1%).
/// </summary>
public sealed record ApiRequestOperationRow : QueryRow
{
    /// <inheritdoc />
    internal override DateTimeOffset FlagWindow => WindowStart;

    /// <summary>Start of the window (UTC).</summary>
    public required DateTimeOffset WindowStart { get; init; }

    /// <summary>Category.</summary>
    public required string Category { get; init; }

    /// <summary>Operation.</summary>
    public required string Operation { get; init; }

    /// <summary>
    /// Category and operation as one name for chart series (<c>Rooms/GetParticipants</c>: the category without its
    /// <c>Operational</c> suffix): operation names repeat across categories (<c>GetParticipants</c> is Rooms and Call Automation).
    /// </summary>
    public required string Label { get; init; }

    /// <summary>Requests.</summary>
    public long Count { get; init; }

    /// <summary>Failed requests (4xx/5xx or resultType Failed).</summary>
    public long Failed { get; init; }

    /// <summary>Failed requests as a percentage of all requests (0–100, two decimals); null when <see cref="Count"/> is 0.</summary>
    public double? FailedPercent { get; init; }

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

    /// <summary>The percentage of <paramref name="part"/> in <paramref name="whole"/>, two decimals; null when <paramref name="whole"/> is 0.</summary>
    public static double? Percent(long part, long whole) => whole == 0 ? null : QueryJson.Round(100.0 * part / whole, 2);

    /// <summary>The series name of an operation: <c>{category without "Operational"}/{operation}</c>.</summary>
    public static string LabelOf(string category, string operation) =>
        (category.EndsWith("Operational", StringComparison.Ordinal) && category.Length > "Operational".Length ? category[..^"Operational".Length] : category) + "/" + operation;

    /// <summary>The row of an aggregate merged over an operation's status codes.</summary>
    public static ApiRequestOperationRow From(ApiRequestAggregate a) => new()
    {
        WindowStart = a.WindowStart,
        Category = a.Category,
        Operation = a.Operation,
        Label = LabelOf(a.Category, a.Operation),
        Count = a.Count,
        Failed = a.Failed,
        FailedPercent = Percent(a.Failed, a.Count),
        DurationMsAvg = QueryJson.Round(a.DurationMs.Average),
        DurationMsP50 = QueryJson.Round(a.DurationMs.Quantile(0.50)),
        DurationMsP95 = QueryJson.Round(a.DurationMs.Quantile(0.95)),
        DurationMsP99 = QueryJson.Round(a.DurationMs.Quantile(0.99)),
        DurationMsMax = QueryJson.Round(a.DurationMs.Max),
    };
}
