using System.Collections.Specialized;
using System.Net;
using AcsFunctions.Functions;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;

namespace AcsFunctions.FunctionApp;

/// <summary>
/// <c>GET /api/query/{kind}?from=&amp;to=&amp;interval=&amp;resource=&amp;category=&amp;operation=&amp;view=</c> →
/// <see cref="QueryEndpoint"/>, the endpoint <c>acs-diag serve</c> answers with too: the JSON of
/// <c>acs-diag query --format json</c> (compact), written to the response body from the rows; problem details 400 (bad parameter), 404 (unknown kind), 503 (storage) — docs/query-api.md.
/// Function-level key required.
/// </summary>
public sealed class QueryFunction
{
    private readonly QueryEndpoint _endpoint;

    /// <summary>Creates the function.</summary>
    public QueryFunction(QueryEndpoint endpoint)
    {
        _endpoint = endpoint;
    }

    /// <summary>Answers one query.</summary>
    [Function("Query")]
    public async Task<HttpResponseData> Query(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "query/{kind}")] HttpRequestData request,
        string kind,
        FunctionContext context)
    {
        NameValueCollection query = request.Query;
        CancellationToken cancellationToken = context.CancellationToken;
        HttpQueryResponse answer = await _endpoint.HandleAsync(kind, query, cancellationToken);

        HttpResponseData response = request.CreateResponse((HttpStatusCode)answer.StatusCode);
        response.Headers.Add("Content-Type", answer.ContentType);
        foreach (var (name, value) in answer.Headers)
        {
            response.Headers.Add(name, value); // AcsFunctions-Expired: the range read rows retention may have deleted
        }

        await answer.WriteBodyAsync(response.Body, cancellationToken); // the rows' UTF-8 JSON, written as it is produced
        return response;
    }
}
