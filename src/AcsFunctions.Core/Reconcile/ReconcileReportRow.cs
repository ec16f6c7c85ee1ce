namespace AcsFunctions.Reconcile;

/// <summary>
/// One row of a <see cref="ReconcileReport"/> (<c>acs-diag reconcile</c>, computed live): one metric / operation / status
/// code over the whole range, with the windows that differ. Not the stored hourly comparison the <c>reconciliation</c>
/// query serves: that is <see cref="ReconciliationRow"/>.
/// </summary>
public sealed record ReconcileReportRow
{
    /// <summary>Platform metric name, e.g. <c>APIRequestChat</c>.</summary>
    public required string Metric { get; init; }

    /// <summary>The log category the metric counts.</summary>
    public required string Category { get; init; }

    /// <summary>Operation (the platform's spelling when it has one, else ours).</summary>
    public required string Operation { get; init; }

    /// <summary>Status code.</summary>
    public required string StatusCode { get; init; }

    /// <summary>Requests the platform counted.</summary>
    public long Platform { get; init; }

    /// <summary>Requests we stored and rolled up.</summary>
    public long Ours { get; init; }

    /// <summary><see cref="Ours"/> − <see cref="Platform"/>.</summary>
    public long Difference => Ours - Platform;

    /// <summary>The verdict.</summary>
    public ReconcileVerdict Verdict => VerdictOf(Difference);

    /// <summary>The verdict for a difference (ours − platform).</summary>
    public static ReconcileVerdict VerdictOf(long difference) =>
        difference == 0 ? ReconcileVerdict.Equal : difference < 0 ? ReconcileVerdict.Fewer : ReconcileVerdict.More;

    /// <summary>The windows (at the requested grain) where the counts differ.</summary>
    public IReadOnlyList<ReconcileWindow> DifferingWindows { get; init; } = [];
}
