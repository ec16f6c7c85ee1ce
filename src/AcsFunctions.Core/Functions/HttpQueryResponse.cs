namespace AcsFunctions.Functions;

/// <summary>An HTTP answer independent of the host (Functions <c>HttpResponseData</c> or ASP.NET Core).</summary>
/// <param name="StatusCode">The HTTP status code.</param>
/// <param name="ContentType">The content type (<c>application/json</c> or <c>application/problem+json</c>).</param>
/// <param name="Body">The UTF-8 body.</param>
public sealed record HttpQueryResponse(int StatusCode, string ContentType, string Body);
