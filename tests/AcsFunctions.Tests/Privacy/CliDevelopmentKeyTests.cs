using AcsFunctions.Privacy;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Privacy;

/// <summary>The real <c>acs-diag ingest</c> process without a configured key: it hashes with the labelled development key and says so.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class CliDevelopmentKeyTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Ingest_WithoutKey_UsesDevelopmentKey_AndSaysSo()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var input = Path.Combine(AppContext.BaseDirectory, "TestData", "samples", "p2p-call.json");

        var (exit, output, error) = await CliProcess.RunAsync(
            ["ingest", input, "--storage", azurite.ConnectionString, "--json"],
            new Dictionary<string, string?>
            {
                ["AcsFunctions__Storage__TablePrefix"] = prefix,
                ["AcsFunctions__Storage__PayloadContainer"] = prefix,
                [PrivacyOptions.HashKeyEnvironmentVariable] = null,
            });

        Assert.True(exit == 0, error + output);
        Assert.Contains("DEVELOPMENT key", error, StringComparison.Ordinal);
        Assert.Contains(PrivacyOptions.HashKeyEnvironmentVariable, error, StringComparison.Ordinal);

        // The rows carry hashes made with the development key, not the raw identities of the sample.
        await using var storage = TestStorage.Create(azurite.ConnectionString, new Dictionary<string, string?> { ["AcsFunctions:Storage:TablePrefix"] = prefix });
        var rows = await storage.AllAsync(TableNames.CallRecords);
        Assert.NotEmpty(rows);
        var expected = new KeyedHasher(PrivacyOptions.DevelopmentKey).Hash("acs:61fddbe3-0003-4066-97bc-6aaf143bbb84_0000000b-4fee-66cf-ac00-343a0d003158");
        Assert.Contains(rows, r => (r.GetString(PayloadColumns.Raw) ?? string.Empty).Contains(expected, StringComparison.Ordinal));
        Assert.DoesNotContain(rows, r => (r.GetString(PayloadColumns.Raw) ?? string.Empty).Contains("\"acs:", StringComparison.Ordinal));
    }
}
