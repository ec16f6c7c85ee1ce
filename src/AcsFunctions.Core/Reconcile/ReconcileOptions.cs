using System.ComponentModel.DataAnnotations;

namespace AcsFunctions.Reconcile;

/// <summary>
/// The scheduled reconciliation (the Functions timer, <c>acs-diag reconcile --store</c>). Bound from
/// <c>AcsFunctions:Reconcile</c> (environment variables <c>AcsFunctions__Reconcile__…</c>).
/// </summary>
public sealed class ReconcileOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "AcsFunctions:Reconcile";

    /// <summary>Base URL of the Azure Monitor metrics API; empty for the public cloud.</summary>
    public Uri? MetricsEndpoint { get; set; }

    /// <summary>ACS resource ids reconciled on schedule (<c>AcsFunctions__Reconcile__Resources__0</c>, …).</summary>
    public List<string> Resources { get; set; } = [];

    /// <value>Default 6. Closed hours re-checked each run (diagnostic logs can arrive late, so an hour is compared again).</value>
    [Range(1, 168)]
    public int LookbackHours { get; set; } = 6;

    /// <value>
    /// Default 168 (7 days, the longest retention of a Standard-tier hub; Premium and Dedicated keep up to 90 days). After
    /// the app was stopped, how far back the first run goes to reconcile the hours it missed (never before the minute
    /// aggregates retention kept); older hours are left for <c>acs-diag reconcile --store</c>.
    /// </value>
    [Range(1, 2232)]
    public int MaxCatchUpHours { get; set; } = 168;

    /// <value>Default 30 min. An hour is reconciled only once it ended this long ago (logs lag the metrics).</value>
    public TimeSpan SettleDelay { get; set; } = TimeSpan.FromMinutes(30);
}
