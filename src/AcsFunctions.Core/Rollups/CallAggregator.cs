using Azure.Data.Tables;
using AcsFunctions.Dispatch;
using AcsFunctions.Schemas.Calls;
using AcsFunctions.Storage;

namespace AcsFunctions.Rollups;

/// <summary>
/// Computes a <see cref="CallAggregate"/> from the stored rows of one call partition. Every version of a record
/// is stored under a RowKey ending in <c>|v&lt;6 digits&gt;</c>; only the highest version per logical key (the
/// RowKey without that suffix) counts, whatever order the versions arrived in.
/// </summary>
public static class CallAggregator
{
    /// <summary>The call-record columns the aggregator reads.</summary>
    public static readonly IReadOnlyList<string> SourceColumns =
    [
        "Category", "CorrelationId", "EventTime", "ResourceKey", "ResourceId", "ResourceName", "CallUpdatesVersion",
        "ParticipantId", "EndpointId", "EndpointType", "CallType", "CallStartTime", "CallDurationSeconds",
        "ParticipantStartTime", "ParticipantDurationSeconds", "EndReasonClass", "Dropped",
        "MediaType", "Direction", "TransportType", "RoundTripTimeAvg", "JitterAvg", "PacketLossRateAvg", "Poor", "PoorReasons",
    ];

    /// <summary>Computes the call; null when the partition holds no rows.</summary>
    public static CallAggregate? Compute(string callKey, IReadOnlyList<TableEntity> rows)
    {
        if (rows.Count == 0)
        {
            return null;
        }

        var latest = CallRecordVersions.Latest(rows);
        var summaries = latest.Where(r => EntityValues.Text(r, "Category") is Categories.CallSummary or Categories.CallSummaryUpdates).ToList();
        var diagnostics = latest.Where(r => EntityValues.Text(r, "Category") is Categories.CallDiagnostics or Categories.CallDiagnosticsUpdates).ToList();

        var (start, estimated) = CallStart(summaries, latest);
        var endpoints = new SortedDictionary<string, int>(StringComparer.Ordinal);
        string? worst = null;
        var dropped = 0;
        foreach (var summary in summaries)
        {
            var type = EntityValues.Text(summary, "EndpointType") ?? "Unknown";
            endpoints[type] = endpoints.GetValueOrDefault(type) + 1;
            worst = EndReasonClasses.Worst(worst, EntityValues.Text(summary, "EndReasonClass"));
            if (EntityValues.Flag(summary, "Dropped") == true)
            {
                dropped++;
            }
        }

        var groups = new SortedDictionary<(string, string, string), StreamGroup>();
        var reasons = new ReasonCounts();
        foreach (var stream in diagnostics)
        {
            var key = StreamGroup.KeyOf(stream);
            if (!groups.TryGetValue(key, out var group))
            {
                group = new StreamGroup { MediaType = key.MediaType, Direction = key.Direction, Transport = key.Transport };
                groups[key] = group;
            }

            group.Add(stream);
        }

        foreach (var group in groups.Values)
        {
            reasons.Merge(group.PoorReasons);
        }

        var first = latest[0];
        return new CallAggregate
        {
            CallKey = callKey,
            Resource = ResourceInfo.Read(first),
            CorrelationId = latest.Select(r => EntityValues.Text(r, "CorrelationId")).FirstOrDefault(c => c is not null) ?? string.Empty,
            CallType = MostCommon(summaries.Select(s => EntityValues.Text(s, "CallType"))),
            CallStartTime = start,
            CallStartEstimated = estimated,
            DurationSeconds = Duration(summaries, start),
            Participants = summaries.Count,
            EndpointsByType = endpoints,
            Streams = diagnostics.Count,
            PoorStreams = (int)groups.Values.Sum(g => g.PoorStreams),
            PoorReasons = reasons,
            DroppedParticipants = dropped,
            WorstEndReasonClass = worst,
            StreamGroups = [.. groups.Values],
            Records = latest.Count,
            Version = (long)latest.Max(r => EntityValues.Number(r, "CallUpdatesVersion") ?? CallRecordVersions.Version(r.RowKey)),
            LastEventTime = latest.Max(r => EntityValues.Time(r, "EventTime")),
        };
    }

    private static (DateTimeOffset Start, bool Estimated) CallStart(List<TableEntity> summaries, List<TableEntity> all)
    {
        if (summaries.Select(s => StartTime(s, "CallStartTime")).Min() is { } start)
        {
            return (start, false);
        }

        if (summaries.Select(s => StartTime(s, "ParticipantStartTime")).Min() is { } participantStart)
        {
            return (participantStart, true);
        }

        return (all.Select(r => EntityValues.Time(r, "EventTime")).Min() ?? DateTimeOffset.UnixEpoch, true);
    }

    /// <summary>
    /// A stored start time, or null when it is outside the accepted event times (<see cref="EventTimeRange"/>): ingest
    /// keeps such a time as <c>&lt;Name&gt;Raw</c> only, but a row stored before it did must not place the call where
    /// no roll-up or query reaches it.
    /// </summary>
    private static DateTimeOffset? StartTime(TableEntity summary, string column) =>
        EntityValues.Time(summary, column) is { } time && EventTimeRange.Contains(time) ? time : null;

    private static double? Duration(List<TableEntity> summaries, DateTimeOffset start)
    {
        if (summaries.Select(s => EntityValues.Number(s, "CallDurationSeconds")).Max() is { } duration)
        {
            return duration;
        }

        // No call duration: the last participant's end relative to the call start.
        double? end = null;
        foreach (var summary in summaries)
        {
            if (StartTime(summary, "ParticipantStartTime") is { } participantStart &&
                EntityValues.Number(summary, "ParticipantDurationSeconds") is { } participantDuration)
            {
                var seconds = (participantStart - start).TotalSeconds + participantDuration;
                end = end is { } e ? Math.Max(e, seconds) : seconds;
            }
        }

        return end;
    }

    private static string? MostCommon(IEnumerable<string?> values) =>
        values.OfType<string>()
            .GroupBy(v => v, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key)
            .FirstOrDefault();
}
