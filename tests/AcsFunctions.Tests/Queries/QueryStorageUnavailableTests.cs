using System.Text.Json;
using AcsFunctions.Functions;
using AcsFunctions.Queries;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Tests.Queries;

/// <summary>
/// A query whose table endpoint does not answer (a closed loopback port) is a storage outage, as documented: the
/// service throws <see cref="StorageUnavailableException"/>, the HTTP API answers 503 and the CLI exits with 3.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class QueryStorageUnavailableTests(AzuriteFixture azurite)
{
    private static readonly Dictionary<string, string?> Range = new() { ["from"] = "2026-11-20", ["to"] = "2026-11-21" };

    [Theory]
    [InlineData(QueryKinds.Schema)]
    [InlineData(QueryKinds.ApiRequests)]
    public async Task Service_Throws_And_HttpEndpoint_Answers503(string kind)
    {
        await using var storage = TestStorage.Create(Unreachable());

        var ex = await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.Services.GetRequiredService<QueryService>().QueryAsync(kind, Range));
        var answer = await storage.Services.GetRequiredService<QueryEndpoint>().HandleAsync(kind, Range);

        Assert.Contains($"for the {kind} query", ex.Message, StringComparison.Ordinal);
        Assert.Equal((503, QueryEndpoint.ProblemContentType), (answer.StatusCode, answer.ContentType));
        using var problem = JsonDocument.Parse(answer.Body);
        Assert.Equal("Storage unavailable", problem.RootElement.GetProperty("title").GetString());

        // The storage error stays in the host's log: its text (which names the endpoint) never reaches the client.
        var detail = problem.RootElement.GetProperty("detail").GetString()!;
        Assert.Equal(QueryEndpoint.StorageUnavailableDetail(kind), detail);
        Assert.DoesNotContain(TransientErrors.Describe(ex.InnerException!), detail, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", answer.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_ExitsWith3_AndAHint()
    {
        var (exit, _, error) = await CliProcess.RunAsync(
            ["query", QueryKinds.Schema, "--from", "2026-11-20", "--to", "2026-11-21", "--storage", Unreachable()],
            new Dictionary<string, string?> { ["AcsFunctions__Storage__TablePrefix"] = "tunreachable" });

        Assert.True(exit == 3, $"exit {exit}: {error}");
        Assert.Contains("error: cannot reach table storage at http://127.0.0.1:", error, StringComparison.Ordinal); // never answered: no retries (StorageReachability)
        Assert.Contains("— is Azurite running, and is the connection string right?", error, StringComparison.Ordinal);
        Assert.Contains("hint: re-run the query once storage answers.", error, StringComparison.Ordinal); // not the error's advice twice
        Assert.DoesNotContain("Unhandled", error, StringComparison.Ordinal);
    }

    private string Unreachable() => UnreachableStorage.ConnectionString(azurite.ConnectionString);
}
