namespace AcsFunctions.Generation;

/// <summary>One REST operation of an API category, as it appears in <c>operationName</c>.</summary>
/// <param name="Name">The operation name.</param>
/// <param name="Weight">Relative frequency within its category.</param>
/// <param name="SuccessCode">The HTTP status of a successful call (201 create, 200 get, 202 accepted, 204 delete…).</param>
/// <param name="MedianMs">Median latency of a successful call, in milliseconds.</param>
/// <param name="Path">The URI path (after the host), without the api-version.</param>
internal sealed record ApiOperation(string Name, double Weight, int SuccessCode, double MedianMs, string Path);
