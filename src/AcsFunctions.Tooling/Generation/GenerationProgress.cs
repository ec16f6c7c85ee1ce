namespace AcsFunctions.Generation;

/// <summary>Progress of writing a synthetic stream.</summary>
/// <param name="Bodies">Bodies written so far.</param>
/// <param name="Bytes">Bytes written so far.</param>
/// <param name="Minute">The minute of traffic being delivered (grows past the last generated minute while late versions drain).</param>
/// <param name="Minutes">Minutes of traffic requested.</param>
public readonly record struct GenerationProgress(long Bodies, long Bytes, long Minute, int Minutes);
