namespace AcsFunctions.Reconcile;

/// <summary>One window where a row's counts differ.</summary>
/// <param name="Start">Window start (UTC).</param>
/// <param name="Platform">Platform count.</param>
/// <param name="Ours">Our count.</param>
public sealed record ReconcileWindow(DateTimeOffset Start, long Platform, long Ours);
