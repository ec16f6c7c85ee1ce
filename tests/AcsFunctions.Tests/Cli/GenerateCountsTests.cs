using System.Text.Json;
using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Cli;

/// <summary>
/// The operator's check with the real processes against Azurite: the calls <c>acs-diag generate</c> reports are the calls
/// <c>acs-diag query calls</c> shows after <c>ingest</c> and <c>rollup</c>, also when <c>--malformed</c> cost a call every summary.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class GenerateCountsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Generate_Ingest_Rollup_QueryCalls_SameCallCount()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var environment = new Dictionary<string, string?> { ["AcsFunctions__Storage__TablePrefix"] = prefix, ["AcsFunctions__Storage__PayloadContainer"] = prefix };
        var generated = await CliProcess.RunAsync(
            ["generate", "--calls", "50", "--api-requests", "500", "--minutes", "10", "--seed", "5", "--malformed", "0.1", "--out", "-", "--json"], new Dictionary<string, string?>());
        Assert.True(generated.Exit == 0, generated.Error);
        using var summary = JsonDocument.Parse(generated.Error[generated.Error.IndexOf('{', StringComparison.Ordinal)..]);
        var facts = summary.RootElement.GetProperty("facts");

        var ingest = await CliProcess.RunAsync(["ingest", "-", "--storage", azurite.ConnectionString, "--json"], environment, generated.Output);
        Assert.True(ingest.Exit == 0, ingest.Error);
        var rollup = await CliProcess.RunAsync(["rollup", "--storage", azurite.ConnectionString, "--json"], environment);
        Assert.True(rollup.Exit == 0, rollup.Error);
        var query = await CliProcess.RunAsync(["query", "calls", "--from", "2025-01-10", "--to", "2025-01-12", "--format", "json", "--storage", azurite.ConnectionString], environment);
        Assert.True(query.Exit == 0, query.Error);
        using var calls = JsonDocument.Parse(query.Output);
        var rows = calls.RootElement.EnumerateArray().ToList();

        Assert.Equal(50, summary.RootElement.GetProperty("calls").GetInt32());
        Assert.Equal(1, facts.GetProperty("calls:no-summary").GetInt32());
        Assert.Equal(50, rows.Count);
        var orphan = Assert.Single(rows, r => r.GetProperty("callType").ValueKind == JsonValueKind.Null);
        Assert.Equal(0, orphan.GetProperty("participants").GetInt32());
        Assert.Equal("Unknown", orphan.GetProperty("quality").GetString());
    }
}
