using System.Text.RegularExpressions;
using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Cli;

/// <summary>
/// The real <c>acs-diag</c> process against storage that is not there (a loopback port nothing listens on: every
/// connection refused, as when Azurite is not running). Each command must say so at once, in one error line naming the
/// endpoint, and exit 3 — not run the SDK's retries times the table writer's first. Attempts are counted from the log:
/// the refused first contact is logged at debug level (enabled through <c>Logging__LogLevel__…</c>), and any retry
/// would show as the SDK's per-attempt warning (event 2004) or the writer's (event 2000).
/// </summary>
public sealed partial class StorageNotReachedTests
{
    public static TheoryData<string[], int> Commands => new()
    {
        { ["ingest", Samples.Path("samples/api-requests.json")], 1 },
        { ["ingest", Samples.Path("samples/api-requests.json"), "--json"], 1 },
        { ["ingest", "-"], 1 },
        { ["query", "api-requests", "--from", "now-1h", "--to", "now"], 4 },
        { ["rollup"], 4 },
        { ["retention"], 4 },
        { ["migrate", "record-ids"], 4 },
        { ["reconcile", "--resource", "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Communication/communicationServices/acs", "--from", "2026-11-20T10:00Z", "--to", "2026-11-20T11:00Z"], 4 },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Command_StorageRefusesConnections_OneClearErrorExit3WithoutRetries(string[] command, int maxAttempts)
    {
        var connection = UnreachableStorage.ClosedPort(out var port);
        var environment = new Dictionary<string, string?>
        {
            ["Logging__LogLevel__AcsFunctions.Storage.StorageReachability"] = "Debug",
            ["AcsFunctions__Storage__ConnectionString"] = null,
        };
        var input = command[^1] == "-" ? await File.ReadAllTextAsync(Samples.Path("samples/api-requests.json")) : null;

        var (exit, output, error) = await CliProcess.RunAsync([.. command, "--storage", connection], environment, input);

        Assert.True(exit == 3, $"exit {exit}: {output} {error}");
        var errors = error.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            [$"error: cannot reach table storage at http://127.0.0.1:{port}: connection refused — is Azurite running, and is the connection string right?"],
            errors.Select(l => l.TrimEnd('\r')));
        // The error already asks whether Azurite runs and the connection string is right: one hint line, on the re-run,
        // not the same advice again ("hint: start Azurite … or pass --storage").
        var hints = error.Split('\n').Where(l => l.StartsWith("hint: ", StringComparison.Ordinal)).ToList();
        var hint = Assert.Single(hints);
        Assert.Contains("re-run", hint, StringComparison.Ordinal);
        Assert.DoesNotContain("Azurite", hint, StringComparison.Ordinal);
        Assert.DoesNotContain("--storage", hint, StringComparison.Ordinal);
        var attempts = NotReached().Count(error);
        Assert.InRange(attempts, 1, maxAttempts); // one per call in flight; the stacked layers made 18 per call
        Assert.DoesNotContain("[2004]", error, StringComparison.Ordinal); // no SDK retry
        Assert.DoesNotContain("[2000]", error, StringComparison.Ordinal); // no table-writer retry
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("written", output, StringComparison.Ordinal); // nothing reported as stored
        Assert.DoesNotContain("\"stored\"", output, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\[2005\] Storage \(table\) at http://127\.0\.0\.1:\d+ was not reached on attempt 1: connection refused")]
    private static partial Regex NotReached();
}
