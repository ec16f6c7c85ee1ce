namespace AcsFunctions.Reconcile;

/// <summary>Our count of API requests of one category, operation and status code in one minute window.</summary>
/// <param name="Category">The log category.</param>
/// <param name="Operation">The log's operationName.</param>
/// <param name="StatusCode">The status code.</param>
/// <param name="Window">Start of the minute window (UTC).</param>
/// <param name="Count">Requests counted.</param>
public readonly record struct ApiRequestCount(string Category, string Operation, string StatusCode, DateTimeOffset Window, long Count);
