using Azure.Data.Tables;
using AcsFunctions.Storage;

namespace AcsFunctions.Rollups;

/// <summary>
/// Calls of one (minute window of call start, resource): calls, poor calls, participants, dropped participants,
/// streams, poor streams and the call-duration distribution. Stored in <see cref="TableNames.AggCallWindows"/>
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
        Participants = entity.GetInt64("Participants") ?? 0,
        DroppedParticipants = entity.GetInt64("DroppedParticipants") ?? 0,
        Streams = entity.GetInt64("Streams") ?? 0,
        PoorStreams = entity.GetInt64("PoorStreams") ?? 0,
        DurationSeconds = Distribution.ReadFrom(entity, "DurationSeconds"),
    };
}
