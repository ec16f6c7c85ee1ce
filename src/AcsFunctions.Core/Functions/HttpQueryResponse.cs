using System.Text;
using AcsFunctions.Queries;

namespace AcsFunctions.Functions;

/// <summary>
/// An HTTP answer independent of the host (Functions <c>HttpResponseData</c> or ASP.NET Core): a status, a content type
/// and a UTF-8 body that the host writes to its response stream with <see cref="WriteBodyAsync"/>. A successful query's
/// body is its rows, serialized as compact JSON while they are written (no JSON string, no array of the whole answer);
/// a problem's body is its short text.
/// </summary>
public sealed class HttpQueryResponse
{
    private readonly string? _text;
    private readonly IReadOnlyList<object>? _rows;

    /// <summary>An answer with a text body (a problem).</summary>
    /// <param name="statusCode">The HTTP status code.</param>
    /// <param name="contentType">The content type (<c>application/problem+json</c>).</param>
    /// <param name="body">The body.</param>
    public HttpQueryResponse(int statusCode, string contentType, string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        StatusCode = statusCode;
        ContentType = contentType;
        _text = body;
    }

    private HttpQueryResponse(int statusCode, string contentType, IReadOnlyList<object> rows, IReadOnlyDictionary<string, string> headers)
    {
        StatusCode = statusCode;
        ContentType = contentType;
        _rows = rows;
        Headers = headers;
    }

    /// <summary>The HTTP status code.</summary>
    public int StatusCode { get; }

    /// <summary>The content type (<c>application/json</c> or <c>application/problem+json</c>).</summary>
    public string ContentType { get; }

    /// <summary>
    /// Response headers beside the content type, which both hosts set as given (<see cref="QueryEndpoint.ExpiredHeader"/>
    /// on a 200 whose range reads rows retention may have deleted). Empty for most answers.
    /// </summary>
    public IReadOnlyDictionary<string, string> Headers { get; } = new Dictionary<string, string>();

    /// <summary>The body as text, built on each access: for tests and tools. Hosts write it with <see cref="WriteBodyAsync"/>.</summary>
    public string Body => _text ?? QueryJson.Serialize(_rows!, indented: false);

    /// <summary>A 200 (<see cref="QueryEndpoint.JsonContentType"/>) whose body is <paramref name="rows"/> as one compact JSON array.</summary>
    /// <param name="rows">The rows.</param>
    /// <param name="headers">Response headers to set beside the content type; none when null.</param>
    public static HttpQueryResponse Ok(IReadOnlyList<object> rows, IReadOnlyDictionary<string, string>? headers = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return new HttpQueryResponse(200, QueryEndpoint.JsonContentType, rows, headers ?? new Dictionary<string, string>());
    }

    /// <summary>Writes the UTF-8 body to <paramref name="destination"/> (the response stream; not disposed).</summary>
    /// <param name="destination">The response body.</param>
    /// <param name="cancellationToken">Stops writing (client gone).</param>
    public async Task WriteBodyAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (_rows is not null)
        {
            await QueryJson.WriteAsync(destination, _rows, indented: false, cancellationToken);
        }
        else
        {
            await destination.WriteAsync(Encoding.UTF8.GetBytes(_text!), cancellationToken);
        }
    }
}
