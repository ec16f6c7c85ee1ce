namespace AcsFunctions.Reconcile;

/// <summary>The comparison of platform metrics with our aggregates.</summary>
public sealed record ReconcileReport
{
    /// <summary>The resource compared.</summary>
    public required string ResourceId { get; init; }

    /// <summary>Start of the compared range (UTC, floored to the grain).</summary>
    public required DateTimeOffset From { get; init; }

    /// <summary>End of the compared range (exclusive).</summary>
    public required DateTimeOffset To { get; init; }

    /// <summary>The grain.</summary>
    public required TimeSpan Grain { get; init; }

    /// <summary>Rows ordered by metric, operation, status code.</summary>
    public IReadOnlyList<ReconcileReportRow> Rows { get; init; } = [];

    /// <summary>Sum of platform counts.</summary>
    public long Platform => Rows.Sum(r => r.Platform);

    /// <summary>Sum of our counts.</summary>
    public long Ours => Rows.Sum(r => r.Ours);

    /// <summary><see cref="Ours"/> − <see cref="Platform"/>.</summary>
    public long Difference => Ours - Platform;

    /// <summary>Verdict of the totals.</summary>
    public ReconcileVerdict Verdict => ReconcileReportRow.VerdictOf(Difference);

    /// <summary>True when every row is equal.</summary>
    public bool AllEqual => Rows.All(r => r.Verdict == ReconcileVerdict.Equal);
}
