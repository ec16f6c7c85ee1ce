namespace AcsFunctions.Generation;

/// <summary>The quality metrics of one media stream (null = not reported), and the thresholds it breaks.</summary>
internal sealed class StreamMetrics
{
    public double? RoundTripTimeAvg { get; set; }

    public double? RoundTripTimeMax { get; set; }

    public double? JitterAvg { get; set; }

    public double? JitterMax { get; set; }

    public double? PacketLossRateAvg { get; set; }

    public double? PacketLossRateMax { get; set; }

    public double? JitterBufferSizeAvg { get; set; }

    public double? JitterBufferSizeMax { get; set; }

    public double? HealedDataRatioAvg { get; set; }

    public double? HealedDataRatioMax { get; set; }

    public double? VideoFrameRateAvg { get; set; }

    public double? RecvResolutionHeight { get; set; }

    public double? RecvFreezeDurationPerMinuteInMs { get; set; }

    public double? VideoBitRateAvg { get; set; }

    public double? VideoBitRateMax { get; set; }

    public long PacketUtilization { get; set; }

    public string TransportType { get; set; } = "UDP";

    public string CodecName { get; set; } = "OPUS";

    /// <summary>The thresholds broken (acs-data-contract §7 names), empty when healthy.</summary>
    public List<string> PoorReasons { get; } = [];

    /// <summary>A copy (the poor reasons are shared: they never change between versions).</summary>
    public StreamMetrics Clone() => (StreamMetrics)MemberwiseClone();
}
