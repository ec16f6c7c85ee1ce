using AcsFunctions.Rollups;

namespace AcsFunctions.Queries;

/// <summary>
/// One <c>call-quality</c> row: the streams of the calls that started in one window, per media type, direction
/// and transport. RTT and jitter in milliseconds, packet loss as a fraction; averages and p95 over the streams'
/// own averages.
/// </summary>
public sealed record CallQualityRow : QueryRow
{
    /// <inheritdoc />
    internal override DateTimeOffset FlagWindow => WindowStart;

    /// <summary>Start of the window (UTC) the calls started in.</summary>
    public required DateTimeOffset WindowStart { get; init; }

    /// <summary>The ACS resource id.</summary>
    public required string ResourceId { get; init; }

    /// <summary>The ACS resource name.</summary>
    public required string ResourceName { get; init; }

    /// <summary>Media type.</summary>
    public required string MediaType { get; init; }

    /// <summary>Direction.</summary>
    public required string Direction { get; init; }

    /// <summary>Transport.</summary>
    public required string Transport { get; init; }

    /// <summary>Streams.</summary>
    public long Streams { get; init; }

    /// <summary>Poor streams.</summary>
    public long PoorStreams { get; init; }

    /// <summary>Poor streams per reason.</summary>
    public required IReadOnlyDictionary<string, long> PoorReasons { get; init; }

    /// <summary>Mean round-trip time.</summary>
    public double? RttMsAvg { get; init; }

    /// <summary>95th percentile round-trip time.</summary>
    public double? RttMsP95 { get; init; }

    /// <summary>Mean jitter.</summary>
    public double? JitterMsAvg { get; init; }

    /// <summary>95th percentile jitter.</summary>
    public double? JitterMsP95 { get; init; }

    /// <summary>Mean packet-loss rate.</summary>
    public double? PacketLossAvg { get; init; }

    /// <summary>95th percentile packet-loss rate.</summary>
    public double? PacketLossP95 { get; init; }

    /// <summary>The row of a merged stream group.</summary>
    public static CallQualityRow From(DateTimeOffset windowStart, ResourceInfo resource, StreamGroup g) => new()
    {
        WindowStart = windowStart,
        ResourceId = resource.Id,
        ResourceName = resource.Name,
        MediaType = g.MediaType,
        Direction = g.Direction,
        Transport = g.Transport,
        Streams = g.Streams,
        PoorStreams = g.PoorStreams,
        PoorReasons = g.PoorReasons.ToDictionary(),
        RttMsAvg = QueryJson.Round(g.RttMs.Average),
        RttMsP95 = QueryJson.Round(g.RttMs.Quantile(0.95)),
        JitterMsAvg = QueryJson.Round(g.JitterMs.Average),
        JitterMsP95 = QueryJson.Round(g.JitterMs.Quantile(0.95)),
        PacketLossAvg = QueryJson.Round(g.PacketLoss.Average, 8),
        PacketLossP95 = QueryJson.Round(g.PacketLoss.Quantile(0.95), 8),
    };
}
