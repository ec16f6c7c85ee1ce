namespace AcsFunctions.Generation;

/// <summary>
/// Draws stream metrics. Healthy streams stay inside every threshold of acs-data-contract §7 (a few sit exactly
/// on a threshold, which is still healthy: the rule is strictly greater / smaller); poor streams break one or
/// two thresholds chosen among those that apply to the media type (round-trip time, jitter, packet loss and
/// jitter buffer for all; healed data ratio for audio; frame rate, resolution and freeze duration for video
/// and screen sharing, each with its own limits).
/// </summary>
internal static class StreamQuality
{
    public const string RoundTripTime = "round-trip time";
    public const string Jitter = "jitter";
    public const string PacketLoss = "packet loss";
    public const string JitterBuffer = "jitter buffer";
    public const string HealedData = "healed data ratio";
    public const string FrameRate = "frame rate";
    public const string Resolution = "resolution";
    public const string Freeze = "freeze duration";

    /// <summary>Draws the metrics of a stream of <paramref name="mediaType"/> (Audio, Video, VBSS, AppSharing).</summary>
    public static StreamMetrics Create(DeterministicRandom random, string mediaType, bool poor)
    {
        var audio = mediaType == "Audio";
        var screen = mediaType is "VBSS" or "AppSharing";
        var m = new StreamMetrics
        {
            TransportType = random.NextDouble() switch
            {
                < 0.9 => "UDP",
                < 0.99 => "TCP",
                _ => "Unrecognized",
            },
            CodecName = audio ? random.Pick(["OPUS", "OPUS", "SATIN", "G722"]) : random.Pick(["H264S", "H264S", "VP8", "H264"]),
            PacketUtilization = random.Next(500, 90_000),
        };

        var boundary = random.Chance(0.03);
        m.RoundTripTimeAvg = boundary ? 500 : Math.Min(450, random.LogNormal(60, 0.5));
        m.JitterAvg = boundary ? 30 : Math.Min(25, random.LogNormal(3, 0.7));
        m.PacketLossRateAvg = boundary ? 0.1 : random.Chance(0.6) ? 0 : Math.Min(0.05, random.LogNormal(0.002, 1.2));
        m.JitterBufferSizeAvg = boundary ? 200 : Math.Min(180, random.LogNormal(40, 0.5));
        if (audio)
        {
            m.HealedDataRatioAvg = boundary ? 0.1 : Math.Min(0.08, random.LogNormal(0.01, 1.0));
        }
        else if (screen)
        {
            m.VideoFrameRateAvg = boundary ? 1 : random.Uniform(2, 15);
            m.RecvResolutionHeight = boundary ? 768 : random.Pick([768.0, 1080.0, 1440.0]);
            m.RecvFreezeDurationPerMinuteInMs = boundary ? 25_000 : Math.Min(20_000, random.LogNormal(500, 1.2));
        }
        else
        {
            m.VideoFrameRateAvg = boundary ? 7 : random.Uniform(12, 30);
            m.RecvResolutionHeight = boundary ? 240 : random.Pick([360.0, 540.0, 720.0, 1080.0]);
            m.RecvFreezeDurationPerMinuteInMs = boundary ? 6_000 : Math.Min(4_000, random.LogNormal(150, 1.2));
            m.VideoBitRateAvg = random.Uniform(250_000, 2_500_000);
        }

        if (poor)
        {
            var candidates = new List<string> { RoundTripTime, Jitter, PacketLoss, JitterBuffer };
            candidates.AddRange(audio ? [HealedData] : [FrameRate, Resolution, Freeze]);
            random.Shuffle(candidates);
            var count = random.Chance(0.25) ? 2 : 1;
            foreach (var reason in candidates.Take(count))
            {
                Break(random, m, reason, screen);
                m.PoorReasons.Add(reason);
            }
        }

        m.RoundTripTimeMax = Max(random, m.RoundTripTimeAvg);
        m.JitterMax = Max(random, m.JitterAvg);
        m.PacketLossRateMax = m.PacketLossRateAvg is { } loss ? Math.Min(1, loss * random.Uniform(1, 4)) : null;
        m.JitterBufferSizeMax = Max(random, m.JitterBufferSizeAvg);
        m.HealedDataRatioMax = m.HealedDataRatioAvg is { } healed ? Math.Min(1, healed * random.Uniform(1, 3)) : null;
        m.VideoBitRateMax = m.VideoBitRateAvg is { } rate ? rate * random.Uniform(1.1, 2) : null;
        return m;
    }

    /// <summary>Clears some metrics a first, incomplete version may lack (never the broken ones, so poor stays poor).</summary>
    public static StreamMetrics Incomplete(DeterministicRandom random, StreamMetrics complete)
    {
        var copy = complete.Clone();
        if (!complete.PoorReasons.Contains(JitterBuffer) && random.Chance(0.5))
        {
            copy.JitterBufferSizeAvg = copy.JitterBufferSizeMax = null;
        }

        if (!complete.PoorReasons.Contains(HealedData) && random.Chance(0.5))
        {
            copy.HealedDataRatioAvg = copy.HealedDataRatioMax = null;
        }

        if (!complete.PoorReasons.Contains(Freeze) && random.Chance(0.5))
        {
            copy.RecvFreezeDurationPerMinuteInMs = null;
        }

        return copy;
    }

    private static void Break(DeterministicRandom random, StreamMetrics m, string reason, bool screen)
    {
        switch (reason)
        {
            case RoundTripTime:
                m.RoundTripTimeAvg = random.Uniform(501, 2_500);
                break;
            case Jitter:
                m.JitterAvg = random.Uniform(31, 150);
                break;
            case PacketLoss:
                m.PacketLossRateAvg = random.Uniform(0.11, 0.5);
                break;
            case JitterBuffer:
                m.JitterBufferSizeAvg = random.Uniform(201, 900);
                break;
            case HealedData:
                m.HealedDataRatioAvg = random.Uniform(0.11, 0.6);
                break;
            case FrameRate:
                m.VideoFrameRateAvg = screen ? random.Uniform(0, 0.9) : random.Uniform(0.5, 6.5);
                break;
            case Resolution:
                m.RecvResolutionHeight = screen ? random.Pick([360.0, 480.0, 720.0]) : random.Pick([144.0, 180.0]);
                break;
            default:
                m.RecvFreezeDurationPerMinuteInMs = screen ? random.Uniform(25_500, 60_000) : random.Uniform(6_500, 40_000);
                break;
        }
    }

    private static double? Max(DeterministicRandom random, double? average) => average is { } a ? a * random.Uniform(1, 1.8) : null;
}
