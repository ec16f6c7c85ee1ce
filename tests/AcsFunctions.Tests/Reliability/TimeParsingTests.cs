using System.Collections.Specialized;
using System.Net;
using System.Text.Json;
using AcsFunctions.Cli.Serve;
using AcsFunctions.Decoding;
using AcsFunctions.Functions;
using AcsFunctions.Queries;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static AcsFunctions.Tests.Rollups.RollupTestData;

namespace AcsFunctions.Tests.Reliability;

/// <summary>
/// Times and parameters of queries (issue 15, finding 5): one range of accepted event times for ingest and queries
/// (<see cref="EventTimeRange"/>); an unparsable, non-ISO or out-of-range time and an unknown parameter are a 400 /
/// exit 2 naming the parameter — never a 500, an exit 1 or a silently unfiltered answer.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class TimeParsingTests(AzuriteFixture azurite)
{
    [Theory]
    [InlineData("from=now-P800000D&to=now", "from")]
    [InlineData("from=now-999999d&to=now", "from")]
    [InlineData("from=now-P99999999999999D&to=now", "from")]
    [InlineData("from=now-PT99999999999H&to=now", "from")]
    [InlineData("from=01/07/2025&to=2025-07-02", "from")]
    [InlineData("from=2025-07-01&to=07/02/2025", "to")]
    [InlineData("from=1.7.2025&to=2025-07-02", "from")]
    [InlineData("from=July 1, 2025&to=2025-07-02", "from")]
    [InlineData("from=2025-07-01T06:00:00 +02:00&to=2025-07-02", "from")]
    [InlineData("from=20250701&to=2025-07-02", "from")]
    [InlineData("from=1600-12-31&to=1601-01-02", "from")]
    [InlineData("from=9998-12-31&to=9999-01-02", "to")]
    [InlineData("from=9999-06-01&to=9999-06-02", "from")]
    [InlineData("from=2025-07-01&to=2025-07-02&operaton=SMSMessagesSent", "operaton")]
    [InlineData("from=2025-07-01&to=2025-07-02&resourceId=x", "resourceId")]
    [InlineData("from=2025-07-01&to=2025-07-02&format=csv", "format")]
    public async Task HttpApi_BadTimeOrUnknownParameter_Is400NamingIt(string query, string parameter)
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await using var app = QueryApi.Build(storage.Services.GetRequiredService<QueryService>(), "http://127.0.0.1:0", []);
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        using var response = await http.GetAsync(new Uri("/api/query/api-requests?" + query.Replace(" ", "%20", StringComparison.Ordinal).Replace("+", "%2B", StringComparison.Ordinal), UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(parameter, problem.RootElement.GetProperty("parameter").GetString());
    }

    [Theory]
    [InlineData("2025-07-01", "2025-07-02")]
    [InlineData("2025-07-01T06:00Z", "2025-07-01T07:00Z")]
    [InlineData("2025-07-01T06:00:00.123+02:00", "2025-07-01T07:00:00-05:00")]
    [InlineData("2025-07-01t06:00:00z", "2025-07-01T07:00:00")]
    [InlineData("now-P1D", "now")]
    [InlineData("now-PT30M", "now-1m")]
    [InlineData("1601-01-01", "1601-01-02")]
    [InlineData("9998-12-31", "9999-01-01")]
    public async Task HttpApi_IsoTimesAndTheRangeBounds_Are200(string from, string to)
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await using var app = QueryApi.Build(storage.Services.GetRequiredService<QueryService>(), "http://127.0.0.1:0", []);
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        using var response = await http.GetAsync(new Uri($"/api/query/api-requests?from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to)}", UriKind.Relative));

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task FunctionsEndpoint_MisspelledParameterIs400_TheFunctionKeyIsNotAParameter()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var endpoint = storage.Services.GetRequiredService<QueryEndpoint>();

        var misspelled = await endpoint.HandleAsync("api-requests", new NameValueCollection { ["from"] = "2025-07-01", ["to"] = "2025-07-02", ["operaton"] = "X" });
        var keyed = await endpoint.HandleAsync("api-requests", new NameValueCollection { ["from"] = "2025-07-01", ["to"] = "2025-07-02", ["code"] = "function-key" });
        var huge = await endpoint.HandleAsync("api-requests", new NameValueCollection { ["from"] = "now-P800000D", ["to"] = "now" });

        Assert.Equal(400, misspelled.StatusCode);
        using (var problem = JsonDocument.Parse(misspelled.Body))
        {
            Assert.Equal("operaton", problem.RootElement.GetProperty("parameter").GetString());
        }

        Assert.Equal(200, keyed.StatusCode);
        Assert.Equal(400, huge.StatusCode);
    }

    [Theory]
    [InlineData("query", "api-requests", "--from", "now-P800000D", "--to", "now")]
    [InlineData("query", "calls", "--from", "now-99999d", "--to", "now")]
    [InlineData("query", "api-requests", "--from", "01/07/2025", "--to", "2025-07-02")]
    [InlineData("query", "api-requests", "--from", "9999-06-01", "--to", "9999-06-02")]
    [InlineData("backfill", "--source", "UseDevelopmentStorage=true", "--from", "01/07/2025", "--to", "2025-07-02")]
    [InlineData("reconcile", "--resource", "/subscriptions/x", "--from", "2025-07-01", "--to", "10000-01-01")]
    public async Task Cli_BadTime_Exits2WithOneLine(params string[] args)
    {
        var (exit, _, error) = await CliProcess.RunAsync([.. args, "--storage", azurite.ConnectionString], new Dictionary<string, string?>());

        Assert.True(exit == 2, $"exit {exit}: {error}");
        Assert.Contains("error: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_TheRangeIsTheQueries_LastAcceptedSecondIsQueryableYear9999DeadLettered()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var last = new DateTimeOffset(9998, 12, 31, 23, 59, 59, TimeSpan.Zero);
        var first = EventTimeRange.Start;

        var result = await storage.Pipeline.IngestAsync([Body([
            Request(last, 12), Request(first, 13), Request(EventTimeRange.End, 14), Request(new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero), 15),
            Request(first.AddTicks(-1), 16)])]);
        await RollupAsync(storage);
        var end = await QueryAsync(storage, QueryKinds.ApiRequests, last.AddMinutes(-1).AddSeconds(1), EventTimeRange.End, "P1D");
        var start = await QueryAsync(storage, QueryKinds.ApiRequests, first, first.AddDays(1), "P1D");

        Assert.Equal((5, 2, 3), (result.Records, result.Stored, result.DeadLettered));
        Assert.Equal(3, result.DeadLetteredByReason[DeadLetterReasons.TimeOutOfRange]);
        Assert.Equal(1L, Assert.Single(end.Rows.Cast<ApiRequestRow>()).Count);
        Assert.Equal(1L, Assert.Single(start.Rows.Cast<ApiRequestRow>()).Count);
    }
}
