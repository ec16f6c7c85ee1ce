namespace AcsFunctions.Schemas.ApiRequests;

/// <summary>How a request-like record was classified.</summary>
/// <param name="StatusCode">The HTTP status parsed from <c>resultSignature</c>, when numeric.</param>
/// <param name="StatusClass">The status class (see <see cref="StatusClasses"/>).</param>
/// <param name="Success">True when the request succeeded.</param>
/// <param name="Failed">True when the status is 4xx/429/5xx or the result type is a failure.</param>
public readonly record struct RequestOutcome(int? StatusCode, string StatusClass, bool Success, bool Failed);
