namespace AcsFunctions.Benchmarks;

/// <summary>
/// One benchmark ratio, measured in one run: our path against the physical limit (or naive alternative) it is
/// compared with, on the same data and machine.
/// </summary>
/// <param name="Id">P1, P2a, …</param>
/// <param name="What">What is compared, in words.</param>
/// <param name="Ours">Our throughput (<paramref name="Unit"/>).</param>
/// <param name="Baseline">The reference throughput (<paramref name="Unit"/>).</param>
/// <param name="Unit">Unit of both throughputs, e.g. <c>MB/s</c>.</param>
/// <param name="Goal">The ratio the issue asks for, in words (e.g. <c>≥ 0.33</c>).</param>
/// <param name="Met">Whether the ratio meets the goal.</param>
/// <param name="Volume">How much data the measurement covered, in words.</param>
public sealed record BenchFigure(string Id, string What, double Ours, double Baseline, string Unit, string Goal, bool Met, string Volume)
{
    /// <summary>Ours / baseline.</summary>
    public double Ratio => Baseline <= 0 ? 0 : Ours / Baseline;

    /// <summary>A figure shown for information only: it has no goal, and neither meets nor misses one.</summary>
    public bool Informational { get; init; }

    /// <summary>What the status column shows: <c>met</c>, <c>missed</c>, or <c>information</c>.</summary>
    public string Status => Informational ? "information" : Met ? "met" : "missed";
}
