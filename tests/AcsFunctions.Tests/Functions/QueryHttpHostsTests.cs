using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Data.Tables.Sas;
using AcsFunctions.Cli.Serve;
using AcsFunctions.FunctionApp;
using AcsFunctions.Functions;
using AcsFunctions.Queries;
using AcsFunctions.Tests.FunctionApp;
using AcsFunctions.Tests.Infrastructure;
using AcsFunctions.Tests.Retention;
using AcsFunctions.Tests.Rollups;
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
    private const string ExpiredHeader = "AcsFunctions-Expired";

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
    /// A range read, in part, from aggregate rows retention has deleted says so in the <c>AcsFunctions-Expired</c> header
    /// (the body stays the rows of <c>acs-diag query --json</c>), the same from both hosts, and a browser on another origin
    /// allowed by <c>acs-diag serve --cors-origin</c> may read it. Before, both hosts answered the rows alone: the
    /// dashboard and any client drew the deleted stretch as zero traffic.
    /// </summary>
    [Fact]
    public async Task A_range_read_from_rows_retention_deleted_is_named_in_the_expired_header_on_both_hosts()
    {
        await using var app = AppHost.Build(azurite.ConnectionString);
        var start = RollupTestData.Start; // 10:00; 90 minutes of requests
        await app.Storage.Pipeline.IngestAsync([RollupTestData.Body(Enumerable.Range(0, 90).Select(i => RollupTestData.Request(start.AddMinutes(i), 40 + i)))]);
        await RollupTestData.RollupAsync(app.Storage);
        const string Edge = "from=2026-11-20T10:30:00Z&to=2026-11-20T12:00:00Z&interval=PT1H";
        var (kept, _) = await BothAsync(app, QueryKinds.ApiRequests, Edge);
        Assert.Null(kept.Expired);

        // Past MinuteAggregates (14 days), not past HourlyAggregates.
        app.Storage.Time.SetUtcNow(start.AddDays(20));
        await RetentionTestData.RunAsync(app.Storage);

        // PT1H from 10:30: the first half hour is read from minute rows, which are gone; 11:00–12:00 from the kept hourly row.
        var (functions, serve) = await BothAsync(app, QueryKinds.ApiRequests, Edge);
        var expected = await RollupTestData.QueryAsync(app.Storage, QueryKinds.ApiRequests, start.AddMinutes(30), start.AddHours(2), "PT1H");
        Assert.Equal(30, JsonNode.Parse(expected.Json)!.AsArray().Sum(r => r!["count"]!.GetValue<long>()));
        Assert.Equal(new HttpAnswer(200, QueryEndpoint.JsonContentType, JsonText.Compact(expected.Json), "minute 2026-11-20T10:30:00Z/2026-11-20T11:00:00Z MinuteAggregates"), functions);
        Assert.Equal(functions, serve);

        // PT1M: every minute of the range is gone; the body is an empty array, the header says why.
        (functions, serve) = await BothAsync(app, QueryKinds.ApiRequests, "from=2026-11-20T10:30:00Z&to=2026-11-20T12:00:00Z&interval=PT1M");
        Assert.Equal(new HttpAnswer(200, QueryEndpoint.JsonContentType, "[]", "minute 2026-11-20T10:30:00Z/2026-11-20T12:00:00Z MinuteAggregates"), functions);
        Assert.Equal(functions, serve);

        // Whole hours read hourly rows only: nothing deleted, no header.
        (functions, serve) = await BothAsync(app, QueryKinds.ApiRequests, "from=2026-11-20T10:00:00Z&to=2026-11-20T12:00:00Z&interval=PT1H");
        Assert.Null(functions.Expired);
        Assert.Equal(functions, serve);

        // A page on an allowed origin (acs-diag serve --cors-origin) may read the header.
        await using var cors = QueryApi.Build(app.Storage.Services.GetRequiredService<QueryService>(), "http://127.0.0.1:0", ["https://dashboard.example"]);
        await cors.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(cors.Urls.First()) };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/api/query/api-requests?{Edge}", UriKind.Relative));
        request.Headers.Add("Origin", "https://dashboard.example");
        using var response = await http.SendAsync(request);
        Assert.Contains("AcsFunctions-Expired", response.Headers.GetValues("Access-Control-Expose-Headers"), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Table storage that refuses the app's credentials (403: a role assignment not effective yet after a deployment, or
    /// removed) is a problem-details 503 naming the cause's kind, not an unhandled 500 with an empty body.
    /// </summary>
    [Fact]
    public async Task StorageRefusingTheAppsCredentials_Is503ProblemDetails_OnBothHosts()
    {
        // A shared access signature that may only add entities: every read is refused with 403, as Azure refuses an identity without a data role.
        await using var app = AppHost.Build(await RefusedAsync(azurite, TableAccountSasPermissions.Add, DateTimeOffset.UtcNow.AddHours(1)));

        var (functions, serve) = await BothAsync(app, "api-requests", "from=2026-11-20T10:00:00Z&to=2026-11-20T11:00:00Z");

        Assert.Equal(503, functions.Status);
        Assert.Equal(QueryEndpoint.ProblemContentType, functions.ContentType);
        using var problem = JsonDocument.Parse(functions.Body);
        Assert.Equal("Storage refused access", problem.RootElement.GetProperty("title").GetString());
        Assert.True(functions.Body.Contains("(HTTP 403 AuthorizationPermissionMismatch)", StringComparison.Ordinal), functions.Body);
        Assert.Contains("Storage Table Data", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", functions.Body, StringComparison.Ordinal);
        Assert.Equal(functions, serve);
    }

    /// <summary>
    /// A refusal that is not a missing permission (403 <c>AuthorizationFailure</c>: a storage firewall, or here an expired
    /// SAS) says what it can be; before, every 403 blamed the identity's data role, sending an operator with an account-key
    /// or SAS connection string to look for a role assignment that has nothing to do with it.
    /// </summary>
    [Fact]
    public async Task StorageRefusingAnExpiredSas_NamesTheFirewallOrTheSas_NotTheRole()
    {
        await using var app = AppHost.Build(await RefusedAsync(azurite, TableAccountSasPermissions.All, DateTimeOffset.UtcNow.AddHours(-1)));

        var (functions, serve) = await BothAsync(app, "api-requests", "from=2026-11-20T10:00:00Z&to=2026-11-20T11:00:00Z");

        Assert.Equal(503, functions.Status);
        var detail = JsonDocument.Parse(functions.Body).RootElement.GetProperty("detail").GetString()!;
        Assert.True(detail.Contains("(HTTP 403 AuthorizationFailure)", StringComparison.Ordinal), detail);
        Assert.Contains("firewall", detail, StringComparison.Ordinal);
        Assert.Contains("expired", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Storage Table Data", detail, StringComparison.Ordinal);
        Assert.Equal(functions, serve);
    }

    /// <summary>A connection string for Azurite's tables through an account SAS of <paramref name="permissions"/> that expires at <paramref name="expires"/>.</summary>
    internal static async Task<string> RefusedAsync(AzuriteFixture azurite, TableAccountSasPermissions permissions, DateTimeOffset expires)
    {
        var tables = new TableServiceClient(azurite.ConnectionString);
        await tables.CreateTableIfNotExistsAsync("refusedprobe");
        var sas = tables.GenerateSasUri(permissions, TableAccountSasResourceTypes.All, expires);
        var blobEndpoint = azurite.ConnectionString.Split(';').Single(p => p.StartsWith("BlobEndpoint=", StringComparison.Ordinal));
        return $"{blobEndpoint};TableEndpoint={sas.GetLeftPart(UriPartial.Path)};SharedAccessSignature={sas.Query.TrimStart('?')}";
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
        return new HttpAnswer((int)response.StatusCode, response.ContentType, response.Text, response.Headers.TryGetValues(ExpiredHeader, out var expired) ? string.Join(",", expired) : null);
    }

    /// <summary><c>acs-diag serve</c>: <see cref="QueryApi"/> on a loopback port over the same tables, called over HTTP.</summary>
    private static async Task<HttpAnswer> ServeAsync(AppHost app, string kind, string query)
    {
        await using var serve = QueryApi.Build(app.Storage.Services.GetRequiredService<QueryService>(), "http://127.0.0.1:0", []);
        await serve.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(serve.Urls.First()) };
        using var response = await http.GetAsync(new Uri($"/api/query/{kind}?{query}", UriKind.Relative));
        return new HttpAnswer(
            (int)response.StatusCode,
            response.Content.Headers.ContentType?.ToString() ?? string.Empty,
            await response.Content.ReadAsStringAsync(),
            response.Headers.TryGetValues(ExpiredHeader, out var expired) ? string.Join(",", expired) : null);
    }

    /// <summary>An answer as a client sees it; <paramref name="Expired"/> is the <c>AcsFunctions-Expired</c> header, null when absent.</summary>
    private sealed record HttpAnswer(int Status, string ContentType, string Body, string? Expired = null);
}
