namespace AcsFunctions.Reconcile;

/// <summary>An ACS API-request platform metric and the log category it counts.</summary>
/// <param name="Name">Metric name in Azure Monitor (case as documented; matched case-insensitively).</param>
/// <param name="Category">The diagnostic-log category holding the same requests.</param>
/// <param name="OperationDimension">The dimension naming the operation (<c>Operation</c>; Job Router: <c>OperationName</c>).</param>
/// <param name="Exportable">False when diagnostic settings cannot export the category's logs alongside (Authentication), so differences are expected.</param>
public sealed record ApiRequestMetric(string Name, string Category, string OperationDimension = "Operation", bool Exportable = true);
