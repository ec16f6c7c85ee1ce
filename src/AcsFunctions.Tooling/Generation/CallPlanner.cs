namespace AcsFunctions.Generation;

/// <summary>
/// Plans calls with the cardinality of the ACS call logs: a P2P call has two endpoints (no participant ids) with
/// outbound streams only; a group call has a participant per connection — VoIP, PSTN, bots, cross-tenant users —
/// with outbound streams plus the server's inbound ones; a participant who drops and rejoins gets a new
/// participant id on the same endpoint.
/// </summary>
internal sealed class CallPlanner
{
    private static readonly string[] _sdkVersions = ["1.0.0.3", "1.1.0.0", "1.19.2.2_beta", "1.24.1.1_stable", "1.28.3.1_stable", "1.30.1.1_stable"];

    private static readonly string[] _osVersions =
    [
        "Windows 10.0.17763 Arch: x64",
        "Windows 10.0.22631 Arch: x64",
        "Android 11.0; Manufacturer: Google; Product: redfin; Model: Pixel 5; Hardware: redfin",
        "Android 14.0; Manufacturer: samsung; Product: dm3q; Model: SM-S918B; Hardware: qcom",
        "Darwin Kernel Version 18.7.0: Mon Nov 9 15:07:15 PST 2020; root:xnu-4903.272.3~3/RELEASE_ARM64_S5L8960X",
        "iOS 17.4",
        "Mac OS X 14.4",
        "Linux x86_64",
    ];

    private readonly GenerationContext _context;
    private readonly string _homeTenant;

    public CallPlanner(GenerationContext context)
    {
        _context = context;
        _homeTenant = new DeterministicRandom(context.Options.Seed ^ 0x7E4A47).NextGuid().ToString();
    }

    /// <summary>Plans a call whose logs are published at <paramref name="publishedAt"/>.</summary>
    public CallPlan Plan(DateTimeOffset publishedAt, double poorShare)
    {
        var random = _context.Random;
        var group = random.Chance(0.55);
        var duration = (long)Math.Clamp(random.LogNormal(group ? 900 : 240, 0.9), 4, 4 * 3600);
        var end = publishedAt - TimeSpan.FromSeconds(random.Uniform(60, 600));
        var start = end - TimeSpan.FromSeconds(duration);
        var plan = new CallPlan
        {
            CallId = random.NextGuid().ToString(),
            Group = group,
            Start = start,
            DurationSeconds = duration,
            TeamsThreadId = group && random.Chance(0.4) ? $"19:meeting_{random.Hex(40)}@thread.v2" : null,
        };

        var streamIds = new HashSet<long>();
        if (!group)
        {
            var calleeType = random.NextDouble() switch
            {
                < 0.75 => "VoIP",
                < 0.95 => "PSTN",
                _ => "Bot",
            };
            foreach (var type in new[] { "VoIP", calleeType })
            {
                var offset = random.Uniform(0, 3);
                var session = Session(type, participantId: null, endpointId: random.NextGuid().ToString(), start.AddSeconds(offset), duration - (long)offset, reasons: null);
                AddStreams(session, group: false, poorShare, streamIds);
                plan.Sessions.Add(session);
            }

            return plan;
        }

        var participants = 3 + (int)Math.Min(37, Math.Floor(random.LogNormal(1.5, 0.9)));
        for (var p = 0; p < participants + (random.Chance(0.15) ? 1 : 0); p++)
        {
            var type = p >= participants ? "Bot" : p > 0 && random.Chance(0.1) ? "PSTN" : "VoIP";
            var join = p == 0 ? 0 : random.Uniform(0, duration * 0.3);
            var leave = Math.Max(join + 1, duration - random.Uniform(0, duration * 0.2));
            var endpointId = random.NextGuid().ToString();
            var crossTenant = type == "VoIP" && random.Chance(0.1);
            if (type == "VoIP" && random.Chance(0.07) && leave - join > 20)
            {
                var drop = join + ((leave - join) * random.Uniform(0.2, 0.8));
                var first = Session(type, random.NextGuid().ToString(), endpointId, start.AddSeconds(join), (long)(drop - join), EndReason.BeforeRejoin, crossTenant);
                var back = drop + random.Uniform(3, 30);
                var second = new CallSession
                {
                    ParticipantId = random.NextGuid().ToString(),
                    EndpointId = endpointId,
                    EndpointType = type,
                    Identifier = first.Identifier,
                    SdkVersion = first.SdkVersion,
                    OsVersion = first.OsVersion,
                    CrossTenant = first.CrossTenant,
                    TenantId = first.TenantId,
                    ParticipantType = first.ParticipantType,
                    Start = start.AddSeconds(back),
                    DurationSeconds = Math.Max(1, (long)(leave - back)),
                    EndReason = random.Pick(EndReason.Client),
                };
                AddStreams(first, group: true, poorShare, streamIds);
                AddStreams(second, group: true, poorShare, streamIds);
                plan.Sessions.Add(first);
                plan.Sessions.Add(second);
            }
            else
            {
                var session = Session(type, random.NextGuid().ToString(), endpointId, start.AddSeconds(join), (long)(leave - join), null, crossTenant);
                AddStreams(session, group: true, poorShare, streamIds);
                plan.Sessions.Add(session);
            }
        }

        return plan;
    }

    private CallSession Session(
        string type,
        string? participantId,
        string endpointId,
        DateTimeOffset start,
        long duration,
        IReadOnlyList<(EndReason Item, double Weight)>? reasons,
        bool? crossTenant = null)
    {
        var random = _context.Random;
        var cross = crossTenant ?? (type == "VoIP" && random.Chance(0.08));
        var voip = type == "VoIP";
        return new CallSession
        {
            ParticipantId = participantId is not null && random.Chance(0.01) ? " " + participantId : participantId,
            EndpointId = endpointId,
            EndpointType = type,
            Identifier = type switch
            {
                "VoIP" when !cross => $"acs:{_context.ResourceGuid}_{random.NextGuid()}",
                "PSTN" => null,
                _ => random.NextGuid().ToString(),
            },
            SdkVersion = cross ? "Redacted" : voip ? random.Pick(_sdkVersions) : null,
            OsVersion = cross ? "Redacted" : voip ? random.Pick(_osVersions) : null,
            CrossTenant = cross,
            TenantId = cross ? random.NextGuid().ToString() : random.Chance(0.5) ? _homeTenant : null,
            ParticipantType = cross ? random.Pick(["ACS as Teams external user", "Teams"]) : type == "Bot" ? "Teams Voice Apps" : "ACS",
            PstnCallType = type == "PSTN" ? random.Pick(["Inbound", "Outbound"]) : null,
            Start = start,
            DurationSeconds = Math.Max(1, duration),
            EndReason = random.Pick(reasons ?? (type == "PSTN" ? EndReason.Pstn : EndReason.Client)),
        };
    }

    private void AddStreams(CallSession session, bool group, double poorShare, HashSet<long> streamIds)
    {
        var random = _context.Random;
        var media = new List<string> { "Audio" };
        if (session.EndpointType == "VoIP")
        {
            if (random.Chance(0.45))
            {
                media.Add("Video");
            }

            if (random.Chance(0.08))
            {
                media.Add("VBSS");
            }

            if (random.Chance(0.01))
            {
                media.Add("AppSharing");
            }
        }

        foreach (var type in media)
        {
            session.Streams.Add(new CallStream(type, UniqueId(random, streamIds, 10_000, 40_000), false, StreamQuality.Create(random, type, random.Chance(poorShare))));
            if (group)
            {
                session.Streams.Add(new CallStream(type, UniqueId(random, streamIds, 1_000, 10_000), true, StreamQuality.Create(random, type, random.Chance(poorShare))));
            }
        }
    }

    private static long UniqueId(DeterministicRandom random, HashSet<long> used, int min, int max)
    {
        long id;
        do
        {
            id = random.Next(min, max);
        }
        while (!used.Add(id));
        return id;
    }
}
