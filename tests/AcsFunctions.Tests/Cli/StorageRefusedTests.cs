using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Cli;

/// <summary>
/// Storage refusing the credentials (403: here an account SAS that may only add entities; on Azure also a missing data
/// role, a firewall, an expired SAS) through the real <c>acs-diag</c> process, for commands other than <c>query</c>
/// (which names its kind): one error line naming the storage's error code and what it means, a hint, exit 3 as for any
/// storage error. Before, the <c>RequestFailedException</c> escaped as "Service request failed." with exit 1.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class StorageRefusedTests(AzuriteFixture azurite)
{
    [Theory]
    [InlineData("rollup")]
    [InlineData("retention", "--dry-run")]
    public async Task StorageRefusingTheCredentials_IsOneErrorLineNamingTheCode_Exit3(params string[] command)
    {
        var refused = await AcsFunctions.Tests.Functions.QueryHttpHostsTests.RefusedAsync(azurite, Azure.Data.Tables.Sas.TableAccountSasPermissions.Add, DateTimeOffset.UtcNow.AddHours(1));

        var (exit, _, error) = await CliProcess.RunAsync([.. command, "--storage", refused], new Dictionary<string, string?>());

        Assert.True(exit == 3, $"exit {exit}\n{error}");
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith("error:", StringComparison.Ordinal) || l.StartsWith("hint:", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lines.Count);
        Assert.StartsWith("error: storage refused the credentials (HTTP 403 AuthorizationPermissionMismatch): ", lines[0], StringComparison.Ordinal);
        Assert.Contains("Storage Table Data", lines[0], StringComparison.Ordinal);
        Assert.Equal("hint: " + AcsFunctions.Cli.CliRunner.RefusedHint, lines[1]);
        Assert.DoesNotContain("RequestFailedException", error, StringComparison.Ordinal);
    }
}
