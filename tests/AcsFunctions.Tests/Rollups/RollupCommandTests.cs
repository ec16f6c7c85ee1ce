using System.Text.Json;
using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Rollups;

/// <summary>The real <c>acs-diag rollup</c> and <c>acs-diag query</c> processes against Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RollupCommandTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task RollupThenQuery_JsonAndCsv_CarryTheAggregates()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([Samples.Body("api-requests.json")]);
        string[] range = ["--from", "2024-01-09", "--to", "2024-01-11", "--storage", azurite.ConnectionString];

        var rollup = await RunAsync(storage.Prefix, ["rollup", "--json", "--storage", azurite.ConnectionString]);
        var json = await RunAsync(storage.Prefix, ["query", "api-requests", "--interval", "P1D", "--category", "SMSOperational", "--format", "json", .. range]);
        var csv = await RunAsync(storage.Prefix, ["query", "api-requests", "--interval", "P1D", "--format", "csv", .. range]);
        var again = await RunAsync(storage.Prefix, ["rollup", "--json", "--storage", azurite.ConnectionString]);

        Assert.Equal(0, rollup.Exit);
        using (var result = JsonDocument.Parse(rollup.Output))
        {
            Assert.True(result.RootElement.GetProperty("windows").GetInt32() > 0);
            Assert.Equal(0, result.RootElement.GetProperty("failed").GetInt32());
        }

        Assert.Equal(0, json.Exit);
        using (var rows = JsonDocument.Parse(json.Output))
        {
            Assert.All(rows.RootElement.EnumerateArray(), r => Assert.Equal("SMSOperational", r.GetProperty("category").GetString()));
            Assert.Contains(rows.RootElement.EnumerateArray(), r => r.GetProperty("smsDelivered").GetInt64() > 0);
        }

        Assert.Equal(0, csv.Exit);
        var lines = csv.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("windowStart,resourceId,resourceName,category,operation,statusCode,statusClass,count,failed,", lines[0], StringComparison.Ordinal);
        Assert.True(lines.Length > 5);
        using (var second = JsonDocument.Parse(again.Output))
        {
            Assert.Equal(0, second.RootElement.GetProperty("processed").GetInt32());
        }
    }

    [Fact]
    public async Task Query_BadInterval_ExitCode2()
    {
        var (exit, _, error) = await RunAsync("tqueryinvalid", ["query", "api-requests", "--from", "2024-01-09", "--to", "2024-01-10", "--interval", "PT7M", "--storage", azurite.ConnectionString]);

        Assert.Equal(2, exit);
        Assert.Contains("interval", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rollup_StorageUnreachable_ExitCode3_WithAHint()
    {
        var (exit, _, error) = await RunAsync("trollupdown", ["rollup", "--storage", UnreachableStorage.ConnectionString(azurite.ConnectionString)]);

        Assert.True(exit == 3, $"exit {exit}: {error}");
        Assert.Contains("error: cannot reach table storage at http://127.0.0.1:", error, StringComparison.Ordinal); // never answered: no retries (StorageReachability)
        Assert.Contains("hint:", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled", error, StringComparison.Ordinal);
    }

    private static Task<(int Exit, string Output, string Error)> RunAsync(string tablePrefix, IEnumerable<string> args) =>
        CliProcess.RunAsync(args, new Dictionary<string, string?>
        {
            ["AcsFunctions__Storage__TablePrefix"] = tablePrefix,
            ["AcsFunctions__Storage__PayloadContainer"] = tablePrefix,
        });
}
