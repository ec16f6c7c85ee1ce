using AcsFunctions.Functions;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using AcsFunctions.Cli.Serve;
using AcsFunctions.Queries;
using AcsFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Tests.Reliability;

/// <summary>
/// Storage that accepts connections and never answers (issue 15, finding 4): every command waits a bounded,
/// configured time (AcsFunctions:Storage:NetworkTimeout × (MaxRetries + 1)), shows each timed-out attempt on standard
/// error, then exits 3 with the one-line hint and no stack trace; <c>serve</c> answers 503.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class UnresponsiveStorageTests(AzuriteFixture azurite)
{
    public static TheoryData<string, string[]> Commands => new()
    {
        { "ingest", ["ingest", "{samples}"] },
        { "ingest stdin", ["ingest", "-"] },
        { "query", ["query", "api-requests", "--from", "now-1h", "--to", "now"] },
        { "query health csv", ["query", "health", "--from", "now-1h", "--to", "now", "--format", "csv"] },
        { "rollup", ["rollup"] },
        { "rollup json", ["rollup", "--json"] },
        { "backfill", ["backfill", "--source", "{azurite}", "--from", "2026-11-20T09:00Z", "--to", "2026-11-20T13:00Z"] },
        { "demo", ["demo"] },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Command_OnStorageThatNeverAnswers_Exits3WithProgressAndHint(string name, string[] template)
    {
        await using var storage = new UnresponsiveStorage();
        var args = template.Select(a => a.Replace("{samples}", Samples.Path("samples/api-requests.json"), StringComparison.Ordinal)
            .Replace("{azurite}", azurite.ConnectionString, StringComparison.Ordinal)).Append("--storage").Append(storage.ConnectionString).ToList();
        if (name == "backfill")
        {
            // Something to write: the archive is real (Azurite); only the table storage never answers.
            var archive = await Backfill.TestArchive.CreateAsync(azurite.ConnectionString, apiRequests: 20, calls: 1);
            args.InsertRange(1, ["--resource", archive.ResourceId]);
        }

        var clock = Stopwatch.StartNew();
        var (exit, output, error) = await CliProcess.RunAsync(args, UnresponsiveStorage.ShortWait(), name == "ingest stdin" ? File.ReadAllText(Samples.Path("samples/usage.json")) : null);

        Assert.True(exit == 3, $"{name}: exit {exit}\n{error}\n{output}");
        Assert.True(storage.Accepted > 0, "the command never reached the unresponsive endpoint");
        Assert.Contains("did not answer within 00:00:01 (attempt 1 of 2", error, StringComparison.Ordinal);
        Assert.Contains("(attempt 2 of 2", error, StringComparison.Ordinal);
        Assert.Contains("hint: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal); // no stack trace
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), $"{name} took {clock.Elapsed} with a 1 s timeout and one retry");
    }

    [Fact]
    public async Task Backfill_FromAnArchiveThatNeverAnswers_Exits3WithProgressAndHint()
    {
        await using var archive = new UnresponsiveStorage();

        var (exit, _, error) = await CliProcess.RunAsync(
            ["backfill", "--source", archive.ConnectionString, "--from", "2026-11-20T09:00Z", "--to", "2026-11-20T13:00Z", "--storage", azurite.ConnectionString],
            UnresponsiveStorage.ShortWait());

        Assert.True(exit == 3, error);
        Assert.Contains("(attempt 2 of 2", error, StringComparison.Ordinal);
        Assert.Contains("the archive account is unavailable", error, StringComparison.Ordinal);
        Assert.Contains("hint: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_WithVerbose_StillExits3AndShowsTheException()
    {
        await using var storage = new UnresponsiveStorage();

        var (exit, _, error) = await CliProcess.RunAsync(
            ["query", "calls", "--from", "now-1h", "--to", "now", "--storage", storage.ConnectionString, "--verbose"], UnresponsiveStorage.ShortWait());

        Assert.True(exit == 3, error);
        Assert.Contains("did not answer within", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_OnStorageThatNeverAnswers_Answers503ProblemDetails()
    {
        await using var storage = new UnresponsiveStorage();
        var settings = new Dictionary<string, string?>
        {
            ["AcsFunctions:Storage:NetworkTimeout"] = "00:00:01",
            ["AcsFunctions:Storage:MaxRetries"] = "1",
        };
        await using var services = TestStorage.Create(storage.ConnectionString, settings);
        await using var app = QueryApi.Build(services.Services.GetRequiredService<QueryService>(), "http://127.0.0.1:0", []);
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(60) };

        foreach (var kind in new[] { "api-requests", "call-volume", "dead-letters" })
        {
            using var response = await http.GetAsync(new Uri($"/api/query/{kind}?from=2025-01-01&to=2025-01-02", UriKind.Relative));

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
            // The timeout is the host's to log; the client is told storage could not be reached, not where or how.
            Assert.Equal(QueryEndpoint.StorageUnavailableDetail(kind), problem.RootElement.GetProperty("detail").GetString());
        }
    }
}
