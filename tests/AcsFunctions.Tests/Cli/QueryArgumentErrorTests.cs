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

    /// <summary>
    /// Storage refusing the connection string's credentials (403: here a SAS that may only add entities; on Azure also a
    /// missing data role, a firewall, an expired SAS) is one error line naming the storage's error code and what it means,
    /// and exit 3 as for any storage error; before, the RequestFailedException escaped with its stack trace.
    /// </summary>
    [Fact]
    public async Task StorageRefusingTheCredentials_IsOneErrorLine_Exit3()
    {
        var refused = await AcsFunctions.Tests.Functions.QueryHttpHostsTests.RefusedAsync(azurite, Azure.Data.Tables.Sas.TableAccountSasPermissions.Add, DateTimeOffset.UtcNow.AddHours(1));
        var (exit, _, error) = await CliProcess.RunAsync(
            ["query", "api-requests", "--from", "2026-11-20T10:00:00Z", "--to", "2026-11-20T11:00:00Z", "--storage", refused], new Dictionary<string, string?>());

        Assert.True(exit == 3, $"exit {exit}\n{error}");
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !l.StartsWith("notice:", StringComparison.Ordinal)).ToList();
        Assert.True(lines[0].StartsWith("error: table storage refused the credentials for the api-requests query (HTTP 403 AuthorizationPermissionMismatch): ", StringComparison.Ordinal), error);
        Assert.DoesNotContain(lines, l => l.StartsWith("at ", StringComparison.Ordinal) || l.Contains("RequestFailedException", StringComparison.Ordinal));
        Assert.True(lines.Count <= 2, error);
    }
}
