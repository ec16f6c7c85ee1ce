namespace AcsFunctions.Schemas.Calls;

/// <summary>
/// Per-stream quality thresholds by media type (acs-data-contract §7, the CallDiagnostics schema): only the
/// <c>*Avg</c> metrics are judged, as the official query does; a missing metric is not poor; a stream is poor when
/// any metric is.
/// </summary>
public static class QualityThresholds
{
#pragma warning disable CS1591 // The names are the documentation.
    public const string RoundTripTime = "round-trip time";
    public const string Jitter = "jitter";
    public const string PacketLoss = "packet loss";
    public const string JitterBuffer = "jitter buffer";
    public const string HealedDataRatio = "healed data ratio";
    public const string FrameRate = "frame rate";
    public const string Resolution = "resolution";
    public const string FreezeDuration = "freeze duration";
#pragma warning restore CS1591

    private static readonly QualityThreshold[] _network =
    [
        new("RoundTripTimeAvg", RoundTripTime, 500),
        new("JitterAvg", Jitter, 30),
        new("PacketLossRateAvg", PacketLoss, 0.1),
        new("JitterBufferSizeAvg", JitterBuffer, 200),
    ];

    private static readonly QualityThreshold[] _audio = [.. _network, new("HealedDataRatioAvg", HealedDataRatio, 0.1)];

    private static readonly QualityThreshold[] _video =
    [
        .. _network,
        new("VideoFrameRateAvg", FrameRate, 7, PoorBelow: true),
        new("RecvResolutionHeight", Resolution, 240, PoorBelow: true),
        new("RecvFreezeDurationPerMinuteInMs", FreezeDuration, 6000),
    ];

    private static readonly QualityThreshold[] _screenSharing =
    [
        .. _network,
        new("VideoFrameRateAvg", FrameRate, 1, PoorBelow: true),
        new("RecvResolutionHeight", Resolution, 768, PoorBelow: true),
        new("RecvFreezeDurationPerMinuteInMs", FreezeDuration, 25000),
    ];

    /// <summary>The rules for a (normalised) media type.</summary>
    public static IReadOnlyList<QualityThreshold> For(string mediaType) => mediaType switch
    {
        MediaTypes.Audio => _audio,
        MediaTypes.Video => _video,
        MediaTypes.ScreenSharing => _screenSharing,
        _ => _network,
    };

    /// <summary>The reasons a stream is poor (empty when it is not), in rule order.</summary>
    public static List<string> PoorReasons(string mediaType, Func<string, double?> metric)
    {
        var reasons = new List<string>();
        foreach (var rule in For(mediaType))
        {
            if (rule.IsPoor(metric(rule.Metric)) && !reasons.Contains(rule.Reason))
            {
                reasons.Add(rule.Reason);
            }
        }

        return reasons;
    }
}
