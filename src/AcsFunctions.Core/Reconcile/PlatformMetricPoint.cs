namespace AcsFunctions.Reconcile;

/// <summary>One platform-metric count: a metric's requests of one operation and status code in one window.</summary>
/// <param name="Metric">Metric name as the catalog spells it, e.g. <c>APIRequestChat</c>.</param>
/// <param name="Operation">The Operation (Router: OperationName) dimension value.</param>
/// <param name="StatusCode">The StatusCode dimension value, e.g. <c>200</c>.</param>
/// <param name="Window">Start of the window (UTC).</param>
/// <param name="Count">Requests counted.</param>
public readonly record struct PlatformMetricPoint(string Metric, string Operation, string StatusCode, DateTimeOffset Window, long Count);
