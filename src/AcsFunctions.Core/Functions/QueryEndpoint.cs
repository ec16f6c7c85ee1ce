using System.Collections.Specialized;
using System.Text.Json;
using AcsFunctions.Queries;
using AcsFunctions.Storage;
using Microsoft.Extensions.Logging;

namespace AcsFunctions.Functions;

/// <summary>
/// <c>GET /api/query/{kind}</c> for every host: the query string goes through <see cref="QueryService"/>, so the
/// body is exactly the JSON of <c>acs-diag query --format json</c>; bad parameters answer 400 and an unreachable
/// store 503, both as RFC 9457 problem details.
/// </summary>
public sealed class QueryEndpoint
{
    /// <summary>Content type of a successful answer.</summary>
    public const string JsonContentType = "application/json; charset=utf-8";

    /// <summary>Content type of an error answer.</summary>
    public const string ProblemContentType = "application/problem+json; charset=utf-8";

    /// <summary>The query-string parameter carrying the Functions host's function key (not passed to the query).</summary>
    public const string FunctionKeyParameter = "code";

    private readonly QueryService _queries;
    private readonly ILogger<QueryEndpoint> _logger;

    /// <summary>Creates the endpoint.</summary>
    public QueryEndpoint(QueryService queries, ILogger<QueryEndpoint> logger)
    {
        _queries = queries;
        _logger = logger;
    }

    /// <summary>Answers one query.</summary>
    /// <param name="kind">The route's <c>{kind}</c>.</param>
    /// <param name="query">The query string (<c>from</c>, <c>to</c>, <c>interval</c>, <c>resource</c>, <c>category</c>, <c>operation</c>, <c>view</c>; any other name but the function key <c>code</c> is a bad parameter).</param>
    /// <param name="cancellationToken">Cancels the query (client gone).</param>
    public async Task<HttpQueryResponse> HandleAsync(string kind, NameValueCollection query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in query.AllKeys)
        {
            if (key is null || key.Equals(FunctionKeyParameter, StringComparison.OrdinalIgnoreCase))
            {
                continue; // the function key authenticates the call; it is not a query parameter
            }

            var given = query.GetValues(key);
            if (given is { Length: > 1 })
            {
                return Problem(400, "Invalid query parameter", $"{key}: given {given.Length} times; give it once.", key);
            }

            values[key] = given is { Length: 1 } ? given[0] : null;
        }

        return await HandleAsync(kind, values, cancellationToken);
    }

    /// <summary>Answers one query from already split parameters.</summary>
    public async Task<HttpQueryResponse> HandleAsync(string kind, IReadOnlyDictionary<string, string?> values, CancellationToken cancellationToken = default)
    {
        try
        {
            var result = await _queries.QueryAsync(kind, values, cancellationToken);
            return new HttpQueryResponse(200, JsonContentType, result.Json);
        }
        catch (QueryParameterException ex)
        {
            return Problem(400, "Invalid query parameter", ex.Message, ex.ParamName);
        }
        catch (StorageUnavailableException ex)
        {
            FunctionsLog.QueryStorageUnavailable(_logger, kind, ex);
            return Problem(503, "Storage unavailable", "The aggregate tables cannot be reached; retry later.", null);
        }
    }

    /// <summary>A problem-details answer.</summary>
    public static HttpQueryResponse Problem(int status, string title, string detail, string? parameter)
    {
        var body = new Dictionary<string, object?>
        {
            ["type"] = "about:blank",
            ["title"] = title,
            ["status"] = status,
            ["detail"] = detail,
        };
        if (parameter is not null)
        {
            body["parameter"] = parameter;
        }

        return new HttpQueryResponse(status, ProblemContentType, JsonSerializer.Serialize(body, QueryJson.Options));
    }
}
