using AcsFunctions.Rollups;

namespace AcsFunctions.Queries;

/// <summary>One <c>call-volume</c> row: the calls that started in one window of one resource.</summary>
public sealed record CallVolumeRow : QueryRow
{
    /// <inheritdoc />
    internal override DateTimeOffset FlagWindow => WindowStart;

    /// <summary>Start of the window (UTC) the calls started in.</summary>
    public required DateTimeOffset WindowStart { get; init; }

    /// <summary>The ACS resource id.</summary>
    public required string ResourceId { get; init; }

    /// <summary>The ACS resource name.</summary>
    public required string ResourceName { get; init; }

    /// <summary>Calls.</summary>
    public long Calls { get; init; }

    /// <summary>Calls with quality Poor.</summary>
    public long PoorCalls { get; init; }

    /// <summary>Participants over all calls.</summary>
    public long Participants { get; init; }

    /// <summary>Dropped participants over all calls.</summary>
    public long DroppedParticipants { get; init; }

    /// <summary>Streams over all calls.</summary>
    public long Streams { get; init; }

    /// <summary>Poor streams over all calls.</summary>
    public long PoorStreams { get; init; }

    /// <summary>Mean call duration, seconds.</summary>
    public double? DurationSecondsAvg { get; init; }

    /// <summary>Median call duration, seconds.</summary>
    public double? DurationSecondsP50 { get; init; }

    /// <summary>95th percentile call duration, seconds.</summary>
    public double? DurationSecondsP95 { get; init; }

    /// <summary>Longest call, seconds.</summary>
    public double? DurationSecondsMax { get; init; }

    /// <summary>Calls with quality Unknown (no stream or no summary); null where a row written before the count existed is merged in.</summary>
    public long? UnknownCalls { get; init; }

    /// <summary>The row of an aggregate.</summary>
    public static CallVolumeRow From(CallWindowAggregate a) => new()
    {
        WindowStart = a.WindowStart,
        ResourceId = a.Resource.Id,
        ResourceName = a.Resource.Name,
        Calls = a.Calls,
        PoorCalls = a.PoorCalls,
        Participants = a.Participants,
        DroppedParticipants = a.DroppedParticipants,
        Streams = a.Streams,
        PoorStreams = a.PoorStreams,
        DurationSecondsAvg = QueryJson.Round(a.DurationSeconds.Average),
        DurationSecondsP50 = QueryJson.Round(a.DurationSeconds.Quantile(0.50)),
        DurationSecondsP95 = QueryJson.Round(a.DurationSeconds.Quantile(0.95)),
        DurationSecondsMax = QueryJson.Round(a.DurationSeconds.Max),
        UnknownCalls = a.UnknownCalls,
    };
}
