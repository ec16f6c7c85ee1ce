using Azure.Data.Tables;
using AcsFunctions.Storage;

namespace AcsFunctions.Rollups;

/// <summary>
/// Calls of one (minute window of call start, resource): calls, poor calls, calls of unknown quality, participants,
/// dropped participants, streams, poor streams and the call-duration distribution. Stored in <see cref="TableNames.AggCallWindows"/>
/// with RowKey = the resource key.
/// </summary>
public sealed class CallWindowAggregate
{
    /// <summary>Start of the window (UTC).</summary>
    public required DateTimeOffset WindowStart { get; set; }

    /// <summary>The resource.</summary>
    public required ResourceInfo Resource { get; init; }

    /// <summary>Calls.</summary>
    public long Calls { get; set; }

    /// <summary>Calls with quality Poor.</summary>
    public long PoorCalls { get; set; }

    /// <summary>
    /// Calls with quality Unknown (no stream or no summary); null when a row merged in was written before rows had the
    /// column (<c>UnknownCalls</c>, 7 December 2026): its count is not known, and 0 would read as "every call graded".
    /// </summary>
    public long? UnknownCalls { get; set; } = 0;

    /// <summary>Participants, summed over the calls.</summary>
    public long Participants { get; set; }

    /// <summary>Dropped participants, summed over the calls.</summary>
    public long DroppedParticipants { get; set; }

    /// <summary>Streams, summed over the calls.</summary>
    public long Streams { get; set; }

    /// <summary>Poor streams, summed over the calls.</summary>
    public long PoorStreams { get; set; }

    /// <summary>Call durations in seconds (calls without a known duration are not in it).</summary>
    public Distribution DurationSeconds { get; private init; } = new();

    /// <summary>Adds one call.</summary>
    public void Add(CallAggregate call)
    {
        Calls++;
        if (call.Quality == CallAggregate.Poor)
        {
            PoorCalls++;
        }
        else if (call.Quality == CallAggregate.Unknown)
        {
            UnknownCalls++;
        }

        Participants += call.Participants;
        DroppedParticipants += call.DroppedParticipants;
        Streams += call.Streams;
        PoorStreams += call.PoorStreams;
        DurationSeconds.Add(call.DurationSeconds);
    }

    /// <summary>Adds another window of the same resource (for coarser intervals).</summary>
    public void Merge(CallWindowAggregate other)
    {
        Calls += other.Calls;
        PoorCalls += other.PoorCalls;
        UnknownCalls += other.UnknownCalls;
        Participants += other.Participants;
        DroppedParticipants += other.DroppedParticipants;
        Streams += other.Streams;
        PoorStreams += other.PoorStreams;
        DurationSeconds.Merge(other.DurationSeconds);
    }

    /// <summary>The aggregate row.</summary>
    public TableEntity ToEntity()
    {
        var entity = new TableEntity(Windows.Key(WindowStart), KeyEncoder.Encode(Resource.Key))
        {
            ["Calls"] = Calls,
            ["PoorCalls"] = PoorCalls,
            ["Participants"] = Participants,
            ["DroppedParticipants"] = DroppedParticipants,
            ["Streams"] = Streams,
            ["PoorStreams"] = PoorStreams,
        };
        if (UnknownCalls is { } unknown)
        {
            entity["UnknownCalls"] = unknown;
        }

        Resource.WriteTo(entity, WindowStart);
        DurationSeconds.WriteTo(entity, "DurationSeconds");
        return entity;
    }

    /// <summary>Reads an aggregate row.</summary>
    /// <exception cref="FormatException">A histogram column is malformed.</exception>
    public static CallWindowAggregate FromEntity(TableEntity entity) => new()
    {
        WindowStart = EntityValues.Time(entity, "WindowStart") ?? Windows.Parse(entity.PartitionKey),
        Resource = ResourceInfo.Read(entity),
        Calls = entity.GetInt64("Calls") ?? 0,
        PoorCalls = entity.GetInt64("PoorCalls") ?? 0,
        UnknownCalls = entity.GetInt64("UnknownCalls"),
        Participants = entity.GetInt64("Participants") ?? 0,
        DroppedParticipants = entity.GetInt64("DroppedParticipants") ?? 0,
        Streams = entity.GetInt64("Streams") ?? 0,
        PoorStreams = entity.GetInt64("PoorStreams") ?? 0,
        DurationSeconds = Distribution.ReadFrom(entity, "DurationSeconds"),
    };
}
