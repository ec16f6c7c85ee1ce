using System.Net;
using System.Text.Json.Nodes;
using AcsFunctions.Cli.Serve;
using AcsFunctions.Queries;
using AcsFunctions.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using static AcsFunctions.Tests.Rollups.RollupTestData;

namespace AcsFunctions.Tests.Cli;

/// <summary><c>acs-diag serve</c>'s HTTP API against Azurite: same JSON as the query service, no filter injection (errors: <see cref="Functions.QueryHttpHostsTests"/>, shared with the Functions route).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ServeApiTests(AzuriteFixture azurite)
{
    private const string From = "2021-07-01T00:00:00Z", To = "2021-07-31T00:00:00Z";

    [Fact]
    public async Task EveryRoute_ReturnsTheSameJsonAsTheQueryCommand()
    {
        await using var storage = await SeededAsync();
        var queries = storage.Services.GetRequiredService<QueryService>();
        await using var app = await StartAsync(queries);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        var nonEmpty = 0;
        foreach (var kind in queries.Kinds)
        {
            foreach (var (from, to) in new[] { (From, To), ("2024-01-01", "2024-01-31") })
            {
                var values = new Dictionary<string, string?> { ["from"] = from, ["to"] = to };
                var expected = JsonText.Compact((await queries.QueryAsync(kind, values)).Json); // the CLI's JSON, compact on the wire
                using var response = await http.GetAsync(new Uri($"/api/query/{kind}?from={from}&to={to}", UriKind.Relative));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
                Assert.Equal(expected, await response.Content.ReadAsStringAsync());
                nonEmpty += expected == "[]" ? 0 : 1;
            }
        }

        Assert.True(nonEmpty >= 3, $"only {nonEmpty} non-empty answers; the seeded data should show in several kinds");

        // Independently of the query code: what the sample files hold, read with a plain JSON parser.
        var requests = SampleRecords("api-requests.json");
        var apiRows = JsonNode.Parse(await http.GetStringAsync(new Uri("/api/query/api-requests?from=2024-01-01&to=2024-01-31", UriKind.Relative)))!.AsArray();
        Assert.Equal(
            requests.GroupBy(r => r["category"]!.GetValue<string>()).ToDictionary(g => g.Key, g => (long)g.Count()).OrderBy(p => p.Key, StringComparer.Ordinal),
            apiRows.GroupBy(r => r!["category"]!.GetValue<string>()).ToDictionary(g => g.Key, g => g.Sum(r => r!["count"]!.GetValue<long>())).OrderBy(p => p.Key, StringComparer.Ordinal));
        var calls = JsonNode.Parse(await http.GetStringAsync(new Uri($"/api/query/calls?from={From}&to={To}", UriKind.Relative)))!.AsArray();
        Assert.Equal(
            SampleRecords("group-call.json").Select(r => r["correlationId"]!.GetValue<string>()).Distinct().Order(StringComparer.Ordinal),
            calls.Select(c => c!["correlationId"]!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    private static List<JsonNode> SampleRecords(string file) =>
        [.. JsonNode.Parse(File.ReadAllBytes(Samples.Path("samples/" + file)))!["records"]!.AsArray().Select(r => r!)];

    [Theory]
    [InlineData("resource")]
    [InlineData("category")]
    [InlineData("operation")]
    public async Task InjectedFilterValue_ReturnsNothingExtra(string filter)
    {
        await using var storage = await SeededAsync();
        var queries = storage.Services.GetRequiredService<QueryService>();
        await using var app = await StartAsync(queries);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        var all = await http.GetStringAsync(new Uri("/api/query/api-requests?from=2024-01-01&to=2024-01-31", UriKind.Relative));
        Assert.NotEqual("[]", all);

        using var response = await http.GetAsync(new Uri($"/api/query/api-requests?from=2024-01-01&to=2024-01-31&{filter}={Uri.EscapeDataString("' or 1 eq 1 or '")}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("[]", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("http://127.0.0.1:7071", true)]
    [InlineData("http://localhost:7071", true)]
    [InlineData("http://[::1]:7071", true)]
    [InlineData("http://0.0.0.0:7071", false)]
    [InlineData("http://127.0.0.1:7071;http://10.0.0.4:7071", false)]
    public void LoopbackCheck(string urls, bool loopback) => Assert.Equal(loopback, QueryApi.IsLoopbackOnly(urls));

    private async Task<TestStorage> SeededAsync()
    {
        var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([Samples.Body("api-requests.json"), Samples.Body("group-call.json")]);
        await RollupAsync(storage);
        return storage;
    }

    private static async Task<WebApplication> StartAsync(QueryService queries)
    {
        var app = QueryApi.Build(queries, "http://127.0.0.1:0", ["https://portal.azure.com"]);
        await app.StartAsync();
        return app;
    }
}
