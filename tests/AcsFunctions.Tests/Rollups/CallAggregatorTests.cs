using AcsFunctions.Rollups;
using Azure.Data.Tables;

namespace AcsFunctions.Tests.Rollups;

public sealed class CallAggregatorTests
{
    private static readonly DateTimeOffset _start = new(2021, 7, 5, 6, 16, 40, 240, TimeSpan.Zero);

    [Fact]
    public void Compute_HighestVersionWins_WhateverTheOrder()
    {
        var v2 = Summary("S|p1|v000002", "CallSummaryUpdates", duration: 120, endpointType: "PSTN");
        var v1 = Summary("S|p1|v000001", "CallSummaryUpdates", duration: 87, endpointType: "VoIP");

        var forward = CallAggregator.Compute("R~1|c", [v1, v2])!;
        var backward = CallAggregator.Compute("R~1|c", [v2, v1])!;

        Assert.Equal(120, forward.DurationSeconds);
        Assert.Equal(120, backward.DurationSeconds);
        Assert.Equal(1, forward.Participants);
        Assert.Equal(new Dictionary<string, int> { ["PSTN"] = 1 }, forward.EndpointsByType);
        Assert.Equal(2, forward.Version);
    }

    [Fact]
    public void Compute_PoorStreamMakesCallPoor_AndCountsReasons()
    {
        var rows = new[]
        {
            Summary("S|p1|v000000", "CallSummary", 87, "VoIP", endReasonClass: "Success"),
            Summary("S|p2|v000000", "CallSummary", 87, "VoIP", endReasonClass: "UnexpectedClientError", dropped: true),
            Stream("D|p1|Audio|1|v000000", "Audio", poor: false, rtt: 46),
            Stream("D|p2|Audio|2|v000000", "Audio", poor: true, rtt: 600, reasons: "round-trip time, jitter"),
            Stream("D|p2|Video|3|v000000", "Video", poor: true, rtt: 610, reasons: "round-trip time"),
        };

        var call = CallAggregator.Compute("R~1|c", rows)!;

        Assert.Equal(CallAggregate.Poor, call.Quality);
        Assert.Equal(3, call.Streams);
        Assert.Equal(2, call.PoorStreams);
        Assert.Equal(1, call.DroppedParticipants);
        Assert.Equal("UnexpectedClientError", call.WorstEndReasonClass);
        Assert.Equal(new Dictionary<string, long> { ["jitter"] = 1, ["round-trip time"] = 2 }, call.PoorReasons.Counts);
        Assert.Equal(2, call.StreamGroups.Count);
        Assert.Equal(_start, call.CallStartTime);
        Assert.False(call.CallStartEstimated);
    }

    [Fact]
    public void Compute_DiagnosticsOnly_StartEstimatedFromRecordTime_HealthyStreamsNotGradedGood()
    {
        // Streams but no summary (not arrived yet, or dead-lettered): no participant is known, so healthy streams
        // are not evidence that the call was Good.
        var call = CallAggregator.Compute("R~1|c", [Stream("D|p1|Audio|1|v000000", "Audio", poor: false, rtt: 40)])!;

        Assert.True(call.CallStartEstimated);
        Assert.Equal(_start.AddMinutes(14), call.CallStartTime);
        Assert.Null(call.CallType);
        Assert.Equal(0, call.Participants);
        Assert.Equal(1, call.Streams);
        Assert.Equal(CallAggregate.Unknown, call.Quality);
    }

    [Fact]
    public void Compute_DiagnosticsOnly_APoorStreamStillMakesTheCallPoor()
    {
        var call = CallAggregator.Compute("R~1|c", [
            Stream("D|p1|Audio|1|v000000", "Audio", poor: false, rtt: 40),
            Stream("D|p1|Audio|2|v000000", "Audio", poor: true, rtt: 700, reasons: "round-trip time"),
        ])!;

        Assert.Equal(0, call.Participants);
        Assert.Equal(CallAggregate.Poor, call.Quality);
    }

    [Fact]
    public void Compute_SummaryArrivesAfterDiagnosticsOnly_HealthyCallGradedGood()
    {
        var stream = Stream("D|p1|Audio|1|v000000", "Audio", poor: false, rtt: 40);

        var call = CallAggregator.Compute("R~1|c", [stream, Summary("S|p1|v000000", "CallSummary", 87, "VoIP")])!;

        Assert.Equal(1, call.Participants);
        Assert.Equal(CallAggregate.Good, call.Quality);
    }

    [Fact]
    public void Compute_SummariesOnly_QualityUnknown()
    {
        var call = CallAggregator.Compute("R~1|c", [Summary("S|p1|v000000", "CallSummary", 87, "VoIP")])!;

        Assert.Equal(CallAggregate.Unknown, call.Quality);
    }

    [Fact]
    public void FromEntity_RowOfADiagnosticsOnlyCallStoredAsGood_ReadsAsUnknown()
    {
        // Rows rolled up before this rule kept Quality = Good in their column; the verdict is recomputed on read.
        var entity = CallAggregator.Compute("R~1|c", [Stream("D|p1|Audio|1|v000000", "Audio", poor: false, rtt: 40)])!.ToEntity();
        entity["Quality"] = CallAggregate.Good;

        Assert.Equal(CallAggregate.Unknown, CallAggregate.FromEntity(entity).Quality);
    }

    [Fact]
    public void Compute_StoredStartTimesOutsideTheEventTimes_IgnoredAsIfMissing()
    {
        // Rows stored before ingest kept such times as CallStartTimeRaw only: the call start falls back to the record time.
        var summary = Summary("S|p1|v000000", "CallSummary", 6, "VoIP");
        summary["CallStartTime"] = new DateTimeOffset(9999, 12, 31, 23, 59, 30, TimeSpan.Zero);
        summary["ParticipantStartTime"] = new DateTimeOffset(9999, 12, 31, 23, 59, 31, TimeSpan.Zero);

        var call = CallAggregator.Compute("R~1|c", [summary])!;

        Assert.Equal(_start.AddMinutes(14), call.CallStartTime);
        Assert.True(call.CallStartEstimated);
    }

    [Fact]
    public void ToEntity_FromEntity_RoundTrips()
    {
        var call = CallAggregator.Compute("R~1|c", [Summary("S|p1|v000000", "CallSummary", 87, "VoIP"), Stream("D|p1|Audio|1|v000000", "Audio", poor: true, rtt: 700, reasons: "round-trip time")])!;

        var back = CallAggregate.FromEntity(call.ToEntity());

        Assert.Equal(call.WindowKey, back.WindowKey);
        Assert.Equal(call.Quality, back.Quality);
        Assert.Equal(call.PoorReasons.Counts, back.PoorReasons.Counts);
        Assert.Equal(call.EndpointsByType, back.EndpointsByType);
        Assert.Equal(700, Assert.Single(back.StreamGroups).RttMs.Max);
    }

    private static TableEntity Summary(string rowKey, string category, double duration, string endpointType, string? endReasonClass = null, bool dropped = false) =>
        new("R~1|c", rowKey)
        {
            ["Category"] = category,
            ["CorrelationId"] = "c",
            ["ResourceKey"] = "R~1",
            ["ResourceId"] = "/R",
            ["ResourceName"] = "R",
            ["EventTime"] = _start.AddMinutes(14),
            ["CallType"] = "Group",
            ["CallStartTime"] = _start,
            ["CallDurationSeconds"] = duration,
            ["EndpointType"] = endpointType,
            ["EndReasonClass"] = endReasonClass,
            ["Dropped"] = dropped,
        };

    private static TableEntity Stream(string rowKey, string media, bool poor, double rtt, string? reasons = null) =>
        new("R~1|c", rowKey)
        {
            ["Category"] = "CallDiagnostics",
            ["CorrelationId"] = "c",
            ["ResourceKey"] = "R~1",
            ["EventTime"] = _start.AddMinutes(14),
            ["MediaType"] = media,
            ["Direction"] = "Outbound",
            ["TransportType"] = "UDP",
            ["RoundTripTimeAvg"] = rtt,
            ["JitterAvg"] = 1,
            ["PacketLossRateAvg"] = 0.0,
            ["Poor"] = poor,
            ["PoorReasons"] = reasons,
        };
}
