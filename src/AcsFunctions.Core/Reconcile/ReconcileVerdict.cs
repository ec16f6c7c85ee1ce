namespace AcsFunctions.Reconcile;

/// <summary>How our count compares with the platform's.</summary>
public enum ReconcileVerdict
{
    /// <summary>The counts agree.</summary>
    Equal,

    /// <summary>We have fewer: records not delivered yet (diagnostic logs lag) or lost upstream.</summary>
    Fewer,

    /// <summary>We have more: duplicates the platform did not count, or records outside the metric's scope.</summary>
    More,
}
