using System.Collections.Specialized;
using System.Globalization;
using System.Text.Json;
using AcsFunctions.Queries;
using AcsFunctions.Storage;
using Azure;
using Microsoft.Extensions.Logging;

namespace AcsFunctions.Functions;

/// <summary>
/// <c>GET /api/query/{kind}</c>, the one query endpoint of both HTTP hosts: the Functions route
/// (<c>QueryFunction</c>) and <c>acs-diag serve</c> (<c>QueryApi</c>) only copy the request in and the
/// <see cref="HttpQueryResponse"/> out. The query string goes through <see cref="QueryService"/>, so the body is the
/// JSON of <c>acs-diag query --format json</c>, compact (same content, no indentation), written from the rows straight
/// to the response stream. Errors are RFC 9457 problem details: an unknown kind (a path that
/// names no resource) 404, a bad parameter 400 naming it, an unreachable store or one refusing the server's credentials 503 (docs/query-api.md).
/// </summary>
public sealed class QueryEndpoint
{
    /// <summary>Content type of a successful answer.</summary>
    public const string JsonContentType = "application/json; charset=utf-8";

    /// <summary>Content type of an error answer.</summary>
    public const string ProblemContentType = "application/problem+json; charset=utf-8";

    /// <summary>The query-string parameter carrying the Functions host's function key (not passed to the query, on either host).</summary>
    public const string FunctionKeyParameter = "code";

    /// <summary>
    /// The response header of a 200 whose range was read, in part, from aggregate rows older than the cutoff retention has
    /// been deleting below (<see cref="QueryResult.Expired"/>): some or all may be gone, and a missing row there is not zero
    /// traffic. Its value is <see cref="ExpiredHeaderValue"/>; absent when nothing the query read is below a cutoff. The
    /// body stays the rows alone.
    /// </summary>
    public const string ExpiredHeader = "AcsFunctions-Expired";

    /// <summary>The route parameter naming the kind (the <c>parameter</c> of a 404).</summary>
    public const string KindParameter = "kind";

    private const string InvalidParameterTitle = "Invalid query parameter";

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

        // HttpUtility.ParseQueryString (the worker's HttpRequestData.Query) files a segment without '=' under the null
        // key, its text as the value: "?operaton" is the name "operaton" without a value, as ASP.NET Core (acs-diag
        // serve) reads it, so it is checked like any other name; an empty segment ("&&", a trailing '&') is nothing.
        var given = new List<(string Name, string? Value)>();
        foreach (var key in query.AllKeys)
        {
            foreach (string? value in query.GetValues(key) ?? [string.Empty])
            {
                if (key is not null)
                {
                    given.Add((key, value));
                }
                else if (!string.IsNullOrEmpty(value))
                {
                    given.Add((value, string.Empty));
                }
            }
        }

        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var parameter in given.GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase))
        {
            if (parameter.Key.Equals(FunctionKeyParameter, StringComparison.OrdinalIgnoreCase))
            {
                continue; // the function key authenticates the call; it is not a query parameter
            }

            var count = parameter.Count();
            if (count > 1)
            {
                return InvalidParameter(parameter.Key, $"given {count} times; give it once.");
            }

            values[parameter.Key] = parameter.First().Value;
        }

        return await HandleAsync(kind, values, cancellationToken);
    }

    /// <summary>Answers one query from already split parameters.</summary>
    /// <param name="kind">The route's <c>{kind}</c>.</param>
    /// <param name="values">One value per parameter name (the function key already removed).</param>
    /// <param name="cancellationToken">Cancels the query (client gone).</param>
    public async Task<HttpQueryResponse> HandleAsync(string kind, IReadOnlyDictionary<string, string?> values, CancellationToken cancellationToken = default)
    {
        if (!_queries.HasKind(kind))
        {
            // The kind is a path segment: a kind that does not exist is a resource that does not exist.
            return Problem(404, "Unknown query kind", $"'{kind}' is not a query kind; use one of {string.Join(", ", _queries.Kinds)}.", KindParameter);
        }

        try
        {
            var result = await _queries.QueryAsync(kind, values, cancellationToken);
            return HttpQueryResponse.Ok(
                result.Rows,
                result.Expired.Count > 0 ? new Dictionary<string, string> { [ExpiredHeader] = ExpiredHeaderValue(result.Expired) } : null);
        }
        catch (QueryParameterException ex)
        {
            return ex.ParamName is { } parameter
                ? InvalidParameter(parameter, ex.Problem)
                : Problem(400, InvalidParameterTitle, ex.Problem, null);
        }
        catch (StorageUnavailableException ex)
        {
            // The storage error (endpoint, account, service message) goes to the host's log only: a query client learns
            // that storage is down, not where it is or how it answered.
            FunctionsLog.QueryStorageUnavailable(_logger, kind, ex);
            return Problem(503, "Storage unavailable", StorageUnavailableDetail(kind), null);
        }
        catch (RequestFailedException ex) when (StorageRefusal.Is(ex) && !cancellationToken.IsCancellationRequested)
        {
            // Not an outage but the server's own credentials (a data role not effective yet after a deployment, or
            // removed; a firewall; an expired SAS): the caller learns which, from the error code; the storage's answer
            // goes to the host's log only.
            FunctionsLog.QueryStorageRefused(_logger, kind, StorageRefusal.Status(ex), StorageRefusal.Cause(ex), ex);
            return Problem(503, "Storage refused access", StorageRefusedDetail(kind, ex), null);
        }
    }

    /// <summary>
    /// The <see cref="ExpiredHeader"/> value: one element per part of the range below a cutoff, earliest first,
    /// comma-separated, each <c>&lt;tier&gt; &lt;from&gt;/&lt;to&gt; &lt;setting&gt;</c> — the tier whose rows may be gone
    /// (<c>minute</c>, <c>hour</c>, <c>day</c>), the part as an ISO 8601 UTC interval (to exclusive) and the retention
    /// setting that deletes them, e.g. <c>minute 2026-11-20T10:30:00Z/2026-11-20T11:00:00Z MinuteAggregates</c>. The tables of a
    /// kind that share a tier and start are one element (the latest end).
    /// </summary>
    public static string ExpiredHeaderValue(IReadOnlyList<ExpiredWindow> expired)
    {
        ArgumentNullException.ThrowIfNull(expired);
        return string.Join(", ", ExpiredWindows.Parts(expired)
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Tier} {p.From.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}/{p.To.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} {p.Setting}")));
    }

    /// <summary>The detail of a 503: what happened and where the cause is, without the storage error's text.</summary>
    public static string StorageUnavailableDetail(string kind) =>
        $"Table storage could not be reached for the {kind} query; try again later. The cause is in the host's log (event QueryStorageUnavailable).";

    /// <summary>
    /// The detail of a 503 for storage that refused the server's credentials: the status and error code, and what that
    /// code means (<see cref="StorageRefusal.Cause"/>).
    /// </summary>
    public static string StorageRefusedDetail(string kind, RequestFailedException refusal) =>
        $"Table storage refused this server's credentials for the {kind} query ({StorageRefusal.Status(refusal)}): {StorageRefusal.Cause(refusal)}. The storage's answer is in the host's log (event QueryStorageRefused).";

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

        return new HttpQueryResponse(status, ProblemContentType, JsonSerializer.Serialize(body, QueryJson.CompactOptions));
    }

    private static HttpQueryResponse InvalidParameter(string parameter, string problem) =>
        Problem(400, InvalidParameterTitle, $"{parameter}: {problem}", parameter);
}
