using AcsFunctions.Azurite;
using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Reliability;

/// <summary>
/// Every documented exit code of the real <c>acs-diag</c> process (issue 15, finding 6): 0 done, 1 failure (access
/// refused), 2 bad arguments or settings, 3 storage unreachable — each with a one-line error and no stack trace unless
/// <c>--verbose</c>.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ExitCodeTests(AzuriteFixture azurite)
{
    private const string Malformed = "{malformed}";

    public static TheoryData<string[]> BadArguments => new()
    {
        new[] { "query", "api-requests", "--from", "now-1h", "--to", "now", "--format", "xml" },
        new[] { "query", "api-requests", "--to", "now" },
        new[] { "query", "api-requests", "--from", "now-1h", "--to", "now", "--no-such-option" },
        new[] { "query" },
        new[] { "backfill", "--source", "UseDevelopmentStorage=true", "--from", "garbage", "--to", "2025-01-01" },
        new[] { "backfill", "--source", "UseDevelopmentStorage=true", "--from", "2025-01-02", "--to", "2025-01-01" },
        new[] { "reconcile", "--resource", "/subscriptions/x", "--from", "2025-01-01", "--to", "2025-01-02", "--grain", "P1D" },
        new[] { "rollup", "--interval", "-5" },
        new[] { "generate", "--calls", "many", "--out", "-" },
        new[] { "generate", "--duplicates", "abc", "--out", "-" }, // a validated option: its validator must not read a value that did not parse
        new[] { "retention", "--max-rows", "abc" },
        new[] { "ingest" },
        new[] { "no-such-command" },
        new[] { "serve", "--urls", "http://0.0.0.0:0" },
        new[] { "ingest", "/no/such/dir/input.json" },
        new[] { "ingest", Malformed, "--storage", "garbage" },
        new[] { "query", "api-requests", "--from", "now-1h", "--to", "now", "--storage", "AccountName=x" },
        new[] { "rollup", "--storage", "DefaultEndpointsProtocol=http;AccountName=a;AccountKey=not-base64!;TableEndpoint=http://127.0.0.1:1/a" },
        new[] { "query", "api-requests", "--from", "now-1h", "--to", "now", "--operation" },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public async Task BadArguments_Exit2WithOneLineAndNoStackTrace(string[] args)
    {
        var (exit, output, error) = await RunAsync(args);

        Assert.True(exit == 2, $"exit {exit}\n{error}\n{output}");
        var lines = ErrorLines(error);
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        Assert.All(lines, l => Assert.True(l.StartsWith("error: ", StringComparison.Ordinal) || l.StartsWith("hint: ", StringComparison.Ordinal), error)); // one line per error
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedStorageFromTheEnvironment_Exit2()
    {
        var (exit, _, error) = await CliProcess.RunAsync(["rollup"], new Dictionary<string, string?> { ["AcsFunctions__Storage__ConnectionString"] = "not a connection string" });

        Assert.True(exit == 2, error);
        Assert.Contains("AcsFunctions__Storage__ConnectionString", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidSetting_Exit2()
    {
        var (exit, _, error) = await CliProcess.RunAsync(
            ["query", "api-requests", "--from", "now-1h", "--to", "now", "--storage", azurite.ConnectionString],
            new Dictionary<string, string?> { ["AcsFunctions__Storage__MaxRetries"] = "1000" });

        Assert.True(exit == 2, error);
        Assert.Contains("MaxRetries", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verbose_ShowsTheStackTrace()
    {
        var (exit, _, error) = await RunAsync(["ingest", "/no/such/dir/input.json", "--verbose"]);

        Assert.Equal(2, exit);
        Assert.Contains("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Success_Exit0()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var environment = new Dictionary<string, string?> { ["AcsFunctions__Storage__TablePrefix"] = prefix, ["AcsFunctions__Storage__PayloadContainer"] = prefix };

        var ingest = await CliProcess.RunAsync(["ingest", Samples.Path("samples/usage.json"), "--storage", azurite.ConnectionString], environment);
        var query = await CliProcess.RunAsync(["query", "usage", "--from", "now-1h", "--to", "now", "--storage", azurite.ConnectionString, "--format", "json"], environment);

        Assert.True(ingest.Exit == 0, ingest.Error);
        Assert.True(query.Exit == 0, query.Error);
    }

    [Fact]
    public async Task StorageUnreachable_Exit3WithTheHint()
    {
        var (exit, _, error) = await CliProcess.RunAsync(
            ["query", "api-requests", "--from", "now-1h", "--to", "now", "--storage", UnreachableStorage.ConnectionString(azurite.ConnectionString)],
            new Dictionary<string, string?> { ["AcsFunctions__Storage__MaxRetries"] = "0" });

        Assert.True(exit == 3, error);
        Assert.Contains("hint: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AccessRefused_Exit1()
    {
        var wrongKey = azurite.ConnectionString.Replace(AzuriteHost.DevAccountKey, Convert.ToBase64String(new byte[64]), StringComparison.Ordinal);

        var (exit, _, error) = await CliProcess.RunAsync(
            ["backfill", "--source", wrongKey, "--from", "2025-01-01", "--to", "2025-01-02", "--storage", azurite.ConnectionString],
            new Dictionary<string, string?> { ["AcsFunctions__Storage__MaxRetries"] = "0" });

        Assert.True(exit == 1, error);
        Assert.Contains("refused access", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    private static List<string> ErrorLines(string error) =>
        [.. error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => !l.StartsWith("notice:", StringComparison.Ordinal))];

    private async Task<(int Exit, string Output, string Error)> RunAsync(string[] args)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "{\"records\":[]}");
            return await CliProcess.RunAsync(args.Select(a => a == Malformed ? file : a), new Dictionary<string, string?> { ["AcsFunctions__Storage__ConnectionString"] = azurite.ConnectionString });
        }
        finally
        {
            File.Delete(file);
        }
    }
}
