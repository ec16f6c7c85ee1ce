using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Cli;

/// <summary>
/// A bad query parameter, through the real <c>acs-diag query</c> process: one error line naming the option as typed
/// (<c>--interval</c>), the problem as the HTTP API's detail states it, no exception suffix, and the usage hint (exit 2).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class QueryArgumentErrorTests(AzuriteFixture azurite)
{
    [Theory]
    [InlineData("dead-letters", "--interval", "P1D", "error: --interval: does not apply to dead-letters queries.")]
    [InlineData("calls", "--view", "totals", "error: --view: does not apply to calls queries (they have one shape).")]
    [InlineData("api-requests", "--interval", "PT2M", "error: --interval: 'PT2M' is not one of PT1M, PT5M, PT1H, P1D.")]
    [InlineData("nope", "--format", "table", "error: <kind>: 'nope' is not a query kind; use one of ")]
    public async Task BadParameter_OneLineNamingTheOption_AndTheHint(string kind, string option, string value, string expected)
    {
        var (exit, _, error) = await CliProcess.RunAsync(
            ["query", kind, "--from", "now-1h", "--to", "now", option, value, "--storage", azurite.ConnectionString], new Dictionary<string, string?>());

        Assert.True(exit == 2, $"exit {exit}\n{error}");
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !l.StartsWith("notice:", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lines.Count);
        Assert.StartsWith(expected, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", lines[0], StringComparison.Ordinal);
        Assert.Equal("hint: acs-diag query --help shows the usage.", lines[1]);
    }
}
