namespace AcsFunctions.Schemas.Calls;

/// <summary>One poor-quality rule: a stream is poor for <see cref="Reason"/> when its metric crosses the limit.</summary>
/// <param name="Metric">The CallDiagnostics column (e.g. <c>RoundTripTimeAvg</c>).</param>
/// <param name="Reason">The reason named in <c>PoorReasons</c> (e.g. <c>round-trip time</c>).</param>
/// <param name="Limit">The limit.</param>
/// <param name="PoorBelow">True when values below the limit are poor (frame rate, resolution); otherwise values above it.</param>
public sealed record QualityThreshold(string Metric, string Reason, double Limit, bool PoorBelow = false)
{
    /// <summary>True when <paramref name="value"/> is poor (a missing value never is).</summary>
    public bool IsPoor(double? value) => value is { } v && (PoorBelow ? v < Limit : v > Limit);
}
