using AcsFunctions.Rollups;

namespace AcsFunctions.Queries;

/// <summary>One <c>calls</c> row: one call, from the latest version of each of its records.</summary>
public sealed record CallRow : QueryRow
{
    /// <inheritdoc />
    internal override DateTimeOffset FlagWindow => AcsFunctions.Storage.Windows.MinuteOf(CallStartTime);

    /// <summary>The call id.</summary>
    public required string CorrelationId { get; init; }

    /// <summary>The ACS resource id.</summary>
    public required string ResourceId { get; init; }

    /// <summary>The ACS resource name.</summary>
    public required string ResourceName { get; init; }

    /// <summary><c>P2P</c>, <c>Group</c>, … (null until a summary arrived).</summary>
    public string? CallType { get; init; }

    /// <summary>Call start (UTC).</summary>
    public required DateTimeOffset CallStartTime { get; init; }

    /// <summary>True when no summary gave the start yet (it is then estimated from the records).</summary>
    public bool CallStartEstimated { get; init; }

    /// <summary>Call duration in seconds.</summary>
    public double? DurationSeconds { get; init; }

    /// <summary>Participants (endpoints in P2P calls).</summary>
    public int Participants { get; init; }

    /// <summary>Participants per endpoint type.</summary>
    public required IReadOnlyDictionary<string, int> EndpointsByType { get; init; }

    /// <summary>Media streams.</summary>
    public int Streams { get; init; }

    /// <summary>Poor streams.</summary>
    public int PoorStreams { get; init; }

    /// <summary>Poor streams per reason.</summary>
    public required IReadOnlyDictionary<string, long> PoorReasons { get; init; }

    /// <summary><c>Poor</c> (any stream poor), <c>Good</c> (streams and participants, none poor) or <c>Unknown</c> (no streams or no summary yet).</summary>
    public required string Quality { get; init; }

    /// <summary>Participants whose end reason counts as dropped.</summary>
    public int DroppedParticipants { get; init; }

    /// <summary>The worst participant end-reason class.</summary>
    public string? WorstEndReasonClass { get; init; }

    /// <summary>The highest callUpdatesVersion used.</summary>
    public long Version { get; init; }

    /// <summary>The row of a call aggregate.</summary>
    public static CallRow From(CallAggregate c) => new()
    {
        CorrelationId = c.CorrelationId,
        ResourceId = c.Resource.Id,
        ResourceName = c.Resource.Name,
        CallType = c.CallType,
        CallStartTime = c.CallStartTime,
        CallStartEstimated = c.CallStartEstimated,
        DurationSeconds = c.DurationSeconds,
        Participants = c.Participants,
        EndpointsByType = c.EndpointsByType,
        Streams = c.Streams,
        PoorStreams = c.PoorStreams,
        PoorReasons = c.PoorReasons.ToDictionary(),
        Quality = c.Quality,
        DroppedParticipants = c.DroppedParticipants,
        WorstEndReasonClass = c.WorstEndReasonClass,
        Version = c.Version,
    };
}
