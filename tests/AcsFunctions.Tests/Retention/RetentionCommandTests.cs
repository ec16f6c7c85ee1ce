using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Retention;

/// <summary>The real <c>acs-diag retention</c> process against Azurite: what an operator reads.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RetentionCommandTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task DryRun_Human_TheTableAlone_NoLinePerTableOnStandardError()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];

        var (exit, output, error) = await CliProcess.RunAsync(
            ["retention", "--dry-run", "--storage", azurite.ConnectionString],
            new Dictionary<string, string?> { ["AcsFunctions__Storage__TablePrefix"] = prefix, ["AcsFunctions__Storage__PayloadContainer"] = prefix });

        Assert.True(exit == 0, error);
        Assert.Contains("Retention (dry run: nothing deleted)", output, StringComparison.Ordinal);
        Assert.Contains("Would delete", output, StringComparison.Ordinal);
        Assert.Contains("│ Records ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("would delete", error, StringComparison.Ordinal); // the ~36 lines that repeated the table
        Assert.DoesNotContain("(rows):", error, StringComparison.Ordinal);
    }
}
