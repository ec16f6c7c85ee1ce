using System.Text.Json;
using Azure.Data.Tables;
using AcsFunctions.Storage;

namespace AcsFunctions.Rollups;

/// <summary>
/// One call, computed from the latest version of every record of its call partition. Stored in
/// <see cref="TableNames.AggCalls"/> under the minute window of <see cref="CallStartTime"/>, RowKey = the call
/// partition key (<c>resourceKey|correlationId</c>).
/// </summary>
public sealed class CallAggregate
{
    /// <summary>Quality verdict when at least one stream is poor.</summary>
    public const string Poor = "Poor";

    /// <summary>Quality verdict when the call has streams and participants (summaries) and no stream is poor.</summary>
    public const string Good = "Good";

    /// <summary>
    /// Quality verdict without the evidence for Good: no diagnostics (streams) arrived yet, or no summary did (the
    /// streams then belong to no known participant, e.g. every summary was dead-lettered), and no stream is poor.
    /// </summary>
    public const string Unknown = "Unknown";

    /// <summary>The call partition key (<c>resourceKey|correlationId</c>), also this row's RowKey.</summary>
    public required string CallKey { get; init; }

    /// <summary>The resource.</summary>
    public required ResourceInfo Resource { get; init; }

    /// <summary>The call id.</summary>
    public required string CorrelationId { get; init; }

    /// <summary><c>P2P</c>, <c>Group</c>, … (null until a summary arrives).</summary>
    public string? CallType { get; init; }

    /// <summary>The call start: the earliest <c>CallStartTime</c> of the summaries (see <see cref="CallStartEstimated"/>).</summary>
    public required DateTimeOffset CallStartTime { get; init; }

    /// <summary>
    /// True when no summary carries a call start yet: the start is then the earliest participant start, else the
    /// earliest record time, and the call moves to its real start window when the summary arrives.
    /// </summary>
    public bool CallStartEstimated { get; init; }

    /// <summary>Call duration in seconds (the summaries' <c>CallDurationSeconds</c>; null when unknown).</summary>
    public double? DurationSeconds { get; init; }

    /// <summary>Participants: summaries (one per participant; one per endpoint in P2P calls).</summary>
    public int Participants { get; init; }

    /// <summary>Participants per endpoint type.</summary>
    public IReadOnlyDictionary<string, int> EndpointsByType { get; init; } = new SortedDictionary<string, int>(StringComparer.Ordinal);

    /// <summary>Streams: diagnostics records.</summary>
    public int Streams { get; init; }

    /// <summary>Streams with a poor verdict.</summary>
    public int PoorStreams { get; init; }

    /// <summary>Poor streams per reason.</summary>
    public ReasonCounts PoorReasons { get; init; } = new();

    /// <summary>
    /// <see cref="Poor"/> (any stream poor, with or without summaries), <see cref="Good"/> (streams and participants,
    /// none poor) or <see cref="Unknown"/> (no poor stream, and no streams or no participants).
    /// </summary>
    public string Quality => PoorStreams > 0 ? Poor : Streams == 0 || Participants == 0 ? Unknown : Good;

    /// <summary>Participants whose end reason counts as dropped.</summary>
    public int DroppedParticipants { get; init; }

    /// <summary>The worst end-reason class of the participants (see <see cref="EndReasonClasses"/>).</summary>
    public string? WorstEndReasonClass { get; init; }

    /// <summary>Stream quality per (media type, direction, transport).</summary>
    public IReadOnlyList<StreamGroup> StreamGroups { get; init; } = [];

    /// <summary>Records used (latest versions only).</summary>
    public int Records { get; init; }

    /// <summary>The highest <c>callUpdatesVersion</c> seen (0 for plain CallSummary/CallDiagnostics).</summary>
    public long Version { get; init; }

    /// <summary>The latest record time of the call.</summary>
    public DateTimeOffset? LastEventTime { get; init; }

    /// <summary>The PartitionKey of the row: the minute window of the call start.</summary>
    public string WindowKey => Windows.Key(CallStartTime);

    /// <summary>The aggregate row.</summary>
    public TableEntity ToEntity()
    {
        var entity = new TableEntity(WindowKey, CallKey)
        {
            ["CorrelationId"] = CorrelationId,
            ["CallStartTime"] = CallStartTime,
            ["CallStartEstimated"] = CallStartEstimated,
            ["Participants"] = Participants,
            ["EndpointsByType"] = JsonSerializer.Serialize(EndpointsByType),
            ["Streams"] = Streams,
            ["PoorStreams"] = PoorStreams,
            ["PoorReasons"] = PoorReasons.ToJson(),
            ["Quality"] = Quality,
            ["DroppedParticipants"] = DroppedParticipants,
            ["Records"] = Records,
            ["Version"] = Version,
        };
        Resource.WriteTo(entity, Windows.MinuteOf(CallStartTime));
        SetIfNotNull(entity, "CallType", CallType);
        SetIfNotNull(entity, "DurationSeconds", DurationSeconds);
        SetIfNotNull(entity, "WorstEndReasonClass", WorstEndReasonClass);
        SetIfNotNull(entity, "LastEventTime", LastEventTime);
        BinaryColumns.Write(entity, "StreamGroups", StreamGroup.ToBytes(StreamGroups));
        return entity;
    }

    /// <summary>Reads an aggregate row.</summary>
    /// <exception cref="FormatException">The stream-group column is malformed.</exception>
    public static CallAggregate FromEntity(TableEntity entity)
    {
        var endpoints = new SortedDictionary<string, int>(StringComparer.Ordinal);
        if (EntityValues.Text(entity, "EndpointsByType") is { } json)
        {
            try
            {
                foreach (var (type, count) in JsonSerializer.Deserialize<Dictionary<string, int>>(json) ?? [])
                {
                    endpoints[type] = count;
                }
            }
            catch (JsonException)
            {
                // A damaged column reads as empty; the next recompute rewrites it.
            }
        }

        var groups = BinaryColumns.Read(entity, "StreamGroups");
        return new CallAggregate
        {
            CallKey = entity.RowKey,
            Resource = ResourceInfo.Read(entity),
            CorrelationId = EntityValues.Text(entity, "CorrelationId") ?? string.Empty,
            CallType = EntityValues.Text(entity, "CallType"),
            CallStartTime = EntityValues.Time(entity, "CallStartTime") ?? Windows.Parse(entity.PartitionKey),
            CallStartEstimated = EntityValues.Flag(entity, "CallStartEstimated") ?? false,
            DurationSeconds = EntityValues.Number(entity, "DurationSeconds"),
            Participants = (int)(EntityValues.Number(entity, "Participants") ?? 0),
            EndpointsByType = endpoints,
            Streams = (int)(EntityValues.Number(entity, "Streams") ?? 0),
            PoorStreams = (int)(EntityValues.Number(entity, "PoorStreams") ?? 0),
            PoorReasons = ReasonCounts.FromJson(EntityValues.Text(entity, "PoorReasons")),
            DroppedParticipants = (int)(EntityValues.Number(entity, "DroppedParticipants") ?? 0),
            WorstEndReasonClass = EntityValues.Text(entity, "WorstEndReasonClass"),
            StreamGroups = groups is null ? [] : StreamGroup.FromBytes(groups),
            Records = (int)(EntityValues.Number(entity, "Records") ?? 0),
            Version = (long)(EntityValues.Number(entity, "Version") ?? 0),
            LastEventTime = EntityValues.Time(entity, "LastEventTime"),
        };
    }

    private static void SetIfNotNull(TableEntity entity, string name, object? value)
    {
        if (value is not null)
        {
            entity[name] = value;
        }
    }
}
