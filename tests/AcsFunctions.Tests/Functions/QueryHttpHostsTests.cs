using System.Text.Json;
using Azure.Data.Tables;
using Azure.Data.Tables.Sas;
using AcsFunctions.Cli.Serve;
using AcsFunctions.FunctionApp;
using AcsFunctions.Functions;
using AcsFunctions.Queries;
using AcsFunctions.Tests.FunctionApp;
using AcsFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Tests.Functions;

/// <summary>
/// <c>GET /api/query/{kind}</c> on both HTTP hosts, one set of cases: the Functions route (<see cref="QueryFunction"/>
/// in the app's real host) and <c>acs-diag serve</c> (<see cref="QueryApi"/> over Kestrel) both answer through
/// <see cref="QueryEndpoint"/>, so every case gets the same status, content type and body from each.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class QueryHttpHostsTests(AzuriteFixture azurite)
{
    [Theory]
    [InlineData("api-requests", "to=2026-11-20T11:00:00Z", "from")]
    [InlineData("api-requests", "from=yesterday-ish&to=2021-07-31", "from")]
    [InlineData("api-requests", "from=2021-07-31&to=2021-07-01", "to")]
    [InlineData("api-requests", "from=2000-01-01&to=2021-07-01", "to")]
    [InlineData("api-requests", "from=2026-01-01T00:00:00Z&to=2026-11-20T11:00:00Z", "to")]
    [InlineData("api-requests", "from=2026-11-20T10:00:00Z&to=2026-11-20T11:00:00Z&interval=PT7M", "interval")]
    [InlineData("api-requests", "from=2026-11-20T10:00:00Z&to=2026-11-20T11:00:00Z&from=2026-11-20T09:00:00Z", "from")]
    [InlineData("api-requests", "from=2021-07-01&to=2021-07-02&view=fields", "view")]
    [InlineData("api-requests", "from=2021-07-01&to=2021-07-02&operaton=SMSMessagesSent", "operaton")]
    [InlineData("api-requests", "from=2021-07-01&to=2021-07-02&operaton", "operaton")] // a name without '=' is still a parameter
    [InlineData("api-requests", "from=2021-07-01&&to=2021-07-02&operaton&", "operaton")] // empty segments are nothing, the bare name is checked
    [InlineData("api-requests", "from=2021-07-01&to=2021-07-02&view=operations&view", "view")] // given twice
    [InlineData("schema", "from=2021-07-01&to=2021-07-02&view=columns", "view")]
    [InlineData("schema", "from=2021-07-01&to=2021-07-02&interval=PT5M", "interval")]
    public async Task BadParameters_Are400ProblemDetailsNamingTheParameter_OnBothHosts(string kind, string query, string parameter)
    {
        var (functions, serve) = await BothAsync(kind, query);

        foreach (var answer in new[] { functions, serve })
        {
            Assert.Equal(400, answer.Status);
            Assert.Equal(QueryEndpoint.ProblemContentType, answer.ContentType);
            using var problem = JsonDocument.Parse(answer.Body);
            Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
            Assert.Equal("Invalid query parameter", problem.RootElement.GetProperty("title").GetString());
            Assert.Equal(parameter, problem.RootElement.GetProperty("parameter").GetString());
            Assert.StartsWith(parameter + ":", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(functions, serve);
    }

    /// <summary>
    /// The kind is a path segment (<c>/api/query/{kind}</c>): a kind that does not exist is a resource that does not
    /// exist, 404 — from both hosts (the Functions route answered 400 before the hosts shared one endpoint).
    /// </summary>
    [Theory]
    [InlineData("no-such-kind", "from=2026-11-20T10:00:00Z&to=2026-11-20T11:00:00Z")]
    [InlineData("nope", "from=2021-07-01&to=2021-07-02")]
    [InlineData("nope", "from=yesterday-ish")]
    public async Task UnknownKind_Is404ProblemDetailsListingTheKinds_OnBothHosts(string kind, string query)
    {
        var (functions, serve) = await BothAsync(kind, query);

        foreach (var answer in new[] { functions, serve })
        {
            Assert.Equal(404, answer.Status);
            Assert.Equal(QueryEndpoint.ProblemContentType, answer.ContentType);
            using var problem = JsonDocument.Parse(answer.Body);
            Assert.Equal(404, problem.RootElement.GetProperty("status").GetInt32());
            Assert.Equal("Unknown query kind", problem.RootElement.GetProperty("title").GetString());
            Assert.Equal("kind", problem.RootElement.GetProperty("parameter").GetString());
            Assert.Contains($"'{kind}'", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Contains(QueryKinds.ApiRequests, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(functions, serve);
    }

    /// <summary>
    /// A known kind in any letter case, and the Functions key parameter <c>code</c> (never a query filter), are answered
    /// 200 with the JSON of the query service by both hosts.
    /// </summary>
    [Theory]
    [InlineData("api-requests", "from=2026-11-20T10:00:00Z&to=2026-11-20T11:00:00Z")]
    [InlineData("API-Requests", "from=2026-11-20T10:00:00Z&to=2026-11-20T11:00:00Z")]
    [InlineData("api-requests", "from=2026-11-20T10:00:00Z&to=2026-11-20T11:00:00Z&code=function-key")]
    public async Task KnownKind_Is200WithTheQueryServicesJson_OnBothHosts(string kind, string query)
    {
        await using var app = AppHost.Build(azurite.ConnectionString);
        var (functions, serve) = await BothAsync(app, kind, query);
        var expected = await app.Storage.Services.GetRequiredService<QueryService>().QueryAsync(QueryKinds.ApiRequests, new Dictionary<string, string?>
        {
            ["from"] = "2026-11-20T10:00:00Z",
            ["to"] = "2026-11-20T11:00:00Z",
        });

        Assert.Equal(new HttpAnswer(200, QueryEndpoint.JsonContentType, JsonText.Compact(expected.Json)), functions);
        Assert.Equal(functions, serve);
    }

    /// <summary>
    /// Table storage that refuses the app's credentials (403: a role assignment not effective yet after a deployment, or
    /// removed) is a problem-details 503 naming the cause's kind, not an unhandled 500 with an empty body.
    /// </summary>
    [Fact]
    public async Task StorageRefusingTheAppsCredentials_Is503ProblemDetails_OnBothHosts()
    {
        // A shared access signature that may only add entities: every read is refused with 403, as Azure refuses an identity without a data role.
        var tables = new TableServiceClient(azurite.ConnectionString);
        await tables.CreateTableIfNotExistsAsync("refusedprobe");
        var sas = tables.GenerateSasUri(TableAccountSasPermissions.Add, TableAccountSasResourceTypes.All, DateTimeOffset.UtcNow.AddHours(1));
        var blobEndpoint = azurite.ConnectionString.Split(';').Single(p => p.StartsWith("BlobEndpoint=", StringComparison.Ordinal));
        var refused = $"{blobEndpoint};TableEndpoint={sas.GetLeftPart(UriPartial.Path)};SharedAccessSignature={sas.Query.TrimStart('?')}";
        await using var app = AppHost.Build(refused);

        var (functions, serve) = await BothAsync(app, "api-requests", "from=2026-11-20T10:00:00Z&to=2026-11-20T11:00:00Z");

        Assert.Equal(503, functions.Status);
        Assert.Equal(QueryEndpoint.ProblemContentType, functions.ContentType);
        using var problem = JsonDocument.Parse(functions.Body);
        Assert.Equal("Storage refused access", problem.RootElement.GetProperty("title").GetString());
        Assert.Contains("Storage Table Data", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", functions.Body, StringComparison.Ordinal);
        Assert.Equal(functions, serve);
    }

    private async Task<(HttpAnswer Functions, HttpAnswer Serve)> BothAsync(string kind, string query)
    {
        await using var app = AppHost.Build(azurite.ConnectionString);
        return await BothAsync(app, kind, query);
    }

    private static async Task<(HttpAnswer Functions, HttpAnswer Serve)> BothAsync(AppHost app, string kind, string query) =>
        (await FunctionsAsync(app, kind, query), await ServeAsync(app, kind, query));

    /// <summary>The Functions route: <see cref="QueryFunction"/> activated by the worker from the app's real host.</summary>
    private static async Task<HttpAnswer> FunctionsAsync(AppHost app, string kind, string query)
    {
        var response = await FunctionInvocationTests.QueryAsync(app, kind, query);
        return new HttpAnswer((int)response.StatusCode, response.ContentType, response.Text);
    }

    /// <summary><c>acs-diag serve</c>: <see cref="QueryApi"/> on a loopback port over the same tables, called over HTTP.</summary>
    private static async Task<HttpAnswer> ServeAsync(AppHost app, string kind, string query)
    {
        await using var serve = QueryApi.Build(app.Storage.Services.GetRequiredService<QueryService>(), "http://127.0.0.1:0", []);
        await serve.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(serve.Urls.First()) };
        using var response = await http.GetAsync(new Uri($"/api/query/{kind}?{query}", UriKind.Relative));
        return new HttpAnswer((int)response.StatusCode, response.Content.Headers.ContentType?.ToString() ?? string.Empty, await response.Content.ReadAsStringAsync());
    }

    private sealed record HttpAnswer(int Status, string ContentType, string Body);
}
