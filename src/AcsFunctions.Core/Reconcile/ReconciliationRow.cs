namespace AcsFunctions.Reconcile;

/// <summary>
/// One <c>reconciliation</c> query row (<see cref="ReconciliationQuery"/>): a stored hourly comparison of one metric /
/// operation / status code, as the timer job wrote it. The live report of <c>acs-diag reconcile</c> has <see cref="ReconcileReportRow"/>.
/// </summary>
public sealed record ReconciliationRow
{
    /// <summary>Start of the hour (UTC).</summary>
    public required DateTimeOffset WindowStart { get; init; }

    /// <summary>The ACS resource id.</summary>
    public required string ResourceId { get; init; }

    /// <summary>The ACS resource name.</summary>
    public required string ResourceName { get; init; }

    /// <summary>Platform metric name.</summary>
    public required string Metric { get; init; }

    /// <summary>The log category the metric counts.</summary>
    public required string Category { get; init; }

    /// <summary>Operation.</summary>
    public required string Operation { get; init; }

    /// <summary>Status code.</summary>
    public required string StatusCode { get; init; }

    /// <summary>Platform count.</summary>
    public long Platform { get; init; }

    /// <summary>Our count.</summary>
    public long Ours { get; init; }

    /// <summary>Ours − platform.</summary>
    public long Difference { get; init; }

    /// <summary><c>equal</c>, <c>fewer</c> or <c>more</c>.</summary>
    public required string Verdict { get; init; }

    /// <summary>When the hour was last compared.</summary>
    public DateTimeOffset? ReconciledAt { get; init; }
}
