using System.Globalization;
using AcsFunctions.Dispatch;

namespace AcsFunctions.Generation;

/// <summary>
/// Call logs: per call a CallSummary per session and a CallDiagnostics per stream, all published together;
/// a share of calls goes through the versioned <c>*Updates</c> categories instead (version 1 may lack fields,
/// later versions arrive minutes to hours later); a few use the old <c>PRIVATEPREVIEW</c> category names.
/// Each session also gets a Usage record. Numbers mostly arrive as strings and absent values as <c>"null"</c>,
/// as in the published samples.
/// </summary>
internal sealed class CallGenerator
{
    private const double StringNumbers = 0.7;
    private readonly GenerationContext _context;
    private readonly CallPlanner _planner;
    private readonly int[] _perMinute;

    public CallGenerator(GenerationContext context)
    {
        _context = context;
        _planner = new CallPlanner(context);
        _perMinute = context.Apportion(context.Options.Calls, context.Options.Minutes);
    }

    /// <summary>Calls published in minute <paramref name="minute"/> (later versions and usage are scheduled).</summary>
    public void Generate(long minute, List<GeneratedRecord> output)
    {
        var random = _context.Random;
        var options = _context.Options;
        for (var i = 0; i < _perMinute[minute]; i++)
        {
            var publishedAt = _context.TimeIn(minute);
            var plan = _planner.Plan(publishedAt, options.Poor);
            if (random.Chance(options.Updates))
            {
                var versions = random.NextDouble() switch
                {
                    < 0.4 => 1,
                    < 0.8 => 2,
                    _ => 3,
                };
                var at = publishedAt;
                for (var v = 1; v <= versions; v++)
                {
                    var records = new List<GeneratedRecord>();
                    Write(plan, at, v, incomplete: v == 1 && versions > 1, preview: false, records);
                    if (v == 1)
                    {
                        output.AddRange(records);
                    }
                    else
                    {
                        records.ForEach(_context.Schedule.Add);
                    }

                    at += TimeSpan.FromMinutes(v == 1 ? random.Uniform(20, 120) : random.Uniform(120, 360));
                }
            }
            else
            {
                Write(plan, publishedAt, version: 0, incomplete: false, preview: random.Chance(0.01), output);
            }

            foreach (var session in plan.Sessions)
            {
                _context.Schedule.Add(Usage(plan, session, publishedAt + TimeSpan.FromSeconds(random.Uniform(30, 600))));
            }
        }
    }

    private void Write(CallPlan plan, DateTimeOffset time, int version, bool incomplete, bool preview, List<GeneratedRecord> output)
    {
        var summaryCategory = version > 0 ? Categories.CallSummaryUpdates : Categories.CallSummary;
        var diagnosticsCategory = version > 0 ? Categories.CallDiagnosticsUpdates : Categories.CallDiagnostics;
        var suffix = preview ? "PRIVATEPREVIEW" : string.Empty;
        foreach (var session in plan.Sessions)
        {
            output.Add(Summary(plan, session, time, summaryCategory, suffix, version, incomplete));
            foreach (var stream in session.Streams)
            {
                output.Add(Diagnostics(plan, session, stream, time, diagnosticsCategory, suffix, version, incomplete));
            }
        }
    }

    private GeneratedRecord Summary(CallPlan plan, CallSession s, DateTimeOffset time, string category, string suffix, int version, bool incomplete)
    {
        var random = _context.Random;
        var w = _context.Writer;
        w.Begin(new Envelope(time, _context.ResourceIdVariant(), category + suffix, "CallSummary", "1.0", plan.CallId), KeyCase.Camel, StringNumbers);
        w.BeginProperties();
        w.Text("identifier", s.Identifier);
        w.Time("callStartTime", plan.Start);
        w.Integer("callDuration", plan.DurationSeconds);
        w.Text("callType", plan.Group ? "Group" : "P2P");
        w.Text("teamsThreadId", plan.TeamsThreadId);
        WriteParticipantId(w, s.ParticipantId);
        w.Time("participantStartTime", s.Start);
        w.Integer("participantDuration", s.DurationSeconds);
        Code(w, "participantEndReason", s.EndReason.Code);
        Code(w, "participantEndSubCode", s.EndReason.SubCode);
        if (!incomplete && random.Chance(0.85))
        {
            w.Text("resultCategory", s.EndReason.ResultCategory);
        }

        w.Text("endpointId", s.EndpointId);
        w.Text("endpointType", s.EndpointType);
        w.Text("sdkVersion", incomplete && random.Chance(0.5) ? null : s.SdkVersion);
        w.Text("osVersion", incomplete && random.Chance(0.5) ? null : s.OsVersion);
        w.Text("participantType", s.ParticipantType);
        if (s.PstnCallType is not null)
        {
            w.Text("pstnParticipantCallType", s.PstnCallType);
        }

        if (s.TenantId is not null)
        {
            w.Text("participantTenantId", s.TenantId);
        }

        WriteVersion(w, version);
        w.EndProperties();
        var tags = new List<string> { "end:" + s.EndReason.ResultCategory, "endpoint:" + s.EndpointType, "calltype:" + (plan.Group ? "Group" : "P2P") };
        if (s.EndReason.Dropped)
        {
            tags.Add("dropped");
        }

        if (s.CrossTenant)
        {
            tags.Add("cross-tenant");
        }

        return new GeneratedRecord(w.Finish(), version > 0 ? Categories.CallSummaryUpdates : Categories.CallSummary, time)
        {
            LogicalKey = $"S|{plan.CallId}|{s.Key.Trim()}",
            Version = version,
            CallId = plan.CallId,
            Tags = tags,
        };
    }

    private GeneratedRecord Diagnostics(CallPlan plan, CallSession s, CallStream stream, DateTimeOffset time, string category, string suffix, int version, bool incomplete)
    {
        var random = _context.Random;
        var metrics = incomplete ? StreamQuality.Incomplete(random, stream.Metrics) : stream.Metrics;
        var w = _context.Writer;
        w.Begin(new Envelope(time, _context.ResourceIdVariant(), category + suffix, "CallDiagnostics", "1.0", plan.CallId), KeyCase.Camel, StringNumbers);
        w.BeginProperties();
        w.Text("identifier", stream.FromServer ? null : s.Identifier);
        WriteParticipantId(w, s.ParticipantId);
        w.Text("endpointId", stream.FromServer ? null : s.EndpointId);
        w.Text("endpointType", stream.FromServer ? "Server" : s.EndpointType);
        w.Text("mediaType", stream.MediaType);
        w.Integer("streamId", stream.StreamId);
        w.Text("transportType", metrics.TransportType);
        w.Real("roundTripTimeAvg", metrics.RoundTripTimeAvg, 0);
        w.Real("roundTripTimeMax", metrics.RoundTripTimeMax, 0);
        w.Real("jitterAvg", metrics.JitterAvg, 0);
        w.Real("jitterMax", metrics.JitterMax, 0);
        w.Real("packetLossRateAvg", metrics.PacketLossRateAvg, 9);
        w.Real("packetLossRateMax", metrics.PacketLossRateMax, 9);
        w.Real("jitterBufferSizeAvg", metrics.JitterBufferSizeAvg, 0);
        w.Real("jitterBufferSizeMax", metrics.JitterBufferSizeMax, 0);
        if (stream.MediaType == "Audio")
        {
            w.Real("healedDataRatioAvg", metrics.HealedDataRatioAvg, 6);
            w.Real("healedDataRatioMax", metrics.HealedDataRatioMax, 6);
        }
        else
        {
            w.Real("videoFrameRateAvg", metrics.VideoFrameRateAvg, 2);
            w.Real("recvResolutionHeight", metrics.RecvResolutionHeight, 0);
            w.Real("recvFreezeDurationPerMinuteInMs", metrics.RecvFreezeDurationPerMinuteInMs, 1);
            if (metrics.VideoBitRateAvg is not null)
            {
                w.Real("videoBitRateAvg", metrics.VideoBitRateAvg, 0);
                w.Real("videoBitRateMax", metrics.VideoBitRateMax, 0);
            }
        }

        w.Integer("packetUtilization", metrics.PacketUtilization);
        if (random.Chance(0.85))
        {
            w.Text("streamDirection", stream.FromServer ? "Inbound" : "Outbound");
        }

        w.Text("codecName", metrics.CodecName);
        WriteVersion(w, version);
        w.EndProperties();
        var key = (stream.FromServer ? s.ParticipantId! : s.Key).Trim();
        return new GeneratedRecord(w.Finish(), version > 0 ? Categories.CallDiagnosticsUpdates : Categories.CallDiagnostics, time)
        {
            LogicalKey = $"D|{plan.CallId}|{key}|{stream.MediaType}|{stream.StreamId.ToString(CultureInfo.InvariantCulture)}",
            Version = version,
            CallId = plan.CallId,
            PoorReasons = stream.Metrics.PoorReasons,
            Tags = ["media:" + stream.MediaType, stream.FromServer ? "direction:Inbound" : "direction:Outbound"],
        };
    }

    private GeneratedRecord Usage(CallPlan plan, CallSession s, DateTimeOffset time)
    {
        var random = _context.Random;
        var usageType = s.EndpointType switch
        {
            "PSTN" => "PSTN",
            _ when s.Streams.Any(x => x.MediaType == "Video" && !x.FromServer) => "Video",
            _ => "Audio",
        };
        var w = _context.Writer;
        w.Begin(new Envelope(time, _context.ResourceIdVariant(), Categories.Usage, "Usage", "1.0", plan.CallId), KeyCase.Pascal, 0.3);
        w.BeginProperties();
        w.Text("recordId", random.NextGuid().ToString());
        w.Text("usageType", usageType);
        w.Text("unitType", "Minute");
        w.Real("quantity", Math.Ceiling(s.DurationSeconds / 6.0) / 10.0, 1);
        w.Time("startTime", s.Start);
        w.Time("endTime", s.Start.AddSeconds(s.DurationSeconds));
        w.Text("participantId", s.ParticipantId?.Trim());
        w.Text("userIdA", s.Identifier);
        w.Text("userIdB", s.EndpointType == "PSTN" ? "+1425555" + random.Next(1000, 9999).ToString(CultureInfo.InvariantCulture) : null);
        w.EndProperties();
        return new GeneratedRecord(w.Finish(), Categories.Usage, time) { Tags = ["usage:" + usageType] };
    }

    private void WriteParticipantId(RecordWriter w, string? participantId)
    {
        if (participantId is null && _context.Random.Chance(0.8))
        {
            w.Json.WriteString(w.Key("participantId"), "null");
        }
        else
        {
            w.Text("participantId", participantId);
        }
    }

    private void Code(RecordWriter w, string name, int code)
    {
        if (_context.Random.Chance(0.85))
        {
            w.Json.WriteString(w.Key(name), code.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            w.Json.WriteNumber(w.Key(name), code);
        }
    }

    private void WriteVersion(RecordWriter w, int version)
    {
        if (version == 0)
        {
            return;
        }

        var name = _context.Random.Chance(0.3) ? "callupdatesversion" : w.Key("callUpdatesVersion");
        if (_context.Random.Chance(0.3))
        {
            w.Json.WriteString(name, version.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            w.Json.WriteNumber(name, version);
        }
    }
}
