using System.Globalization;
using System.Text.Json;
using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Backfill;

/// <summary>The real <c>acs-diag backfill</c> process against Azurite (argument parsing, JSON output, exit code, re-run).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BackfillCommandTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Backfill_RunTwice_FirstIngestsEveryLineSecondNothing()
    {
        var archive = await TestArchive.CreateAsync(azurite.ConnectionString, apiRequests: 120, calls: 2);
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        string[] args =
        [
            "backfill", "--source", azurite.ConnectionString, "--storage", azurite.ConnectionString,
            "--resource", archive.ResourceId,
            "--from", TestArchive.Start.AddHours(-1).ToString("O", CultureInfo.InvariantCulture),
            "--to", "2026-11-20T18:00", "--json",
        ];

        var (exit, output) = await RunAsync(prefix, args);
        var (exitAgain, outputAgain) = await RunAsync(prefix, args);

        Assert.Equal(0, exit);
        using var first = JsonDocument.Parse(output);
        Assert.Equal(archive.Blobs.Count, first.RootElement.GetProperty("blobs").GetInt32());
        Assert.Equal(archive.TotalLines, first.RootElement.GetProperty("ingest").GetProperty("records").GetInt32());
        Assert.True(first.RootElement.GetProperty("ingest").GetProperty("reconciles").GetBoolean());
        Assert.Equal(0, exitAgain);
        using var second = JsonDocument.Parse(outputAgain);
        Assert.Equal(0, second.RootElement.GetProperty("ingest").GetProperty("records").GetInt32());
        Assert.Equal(archive.Blobs.Count, second.RootElement.GetProperty("blobsByAction").GetProperty("unchanged").GetInt32());
    }

    [Fact]
    public async Task Backfill_NoBlobForAMistypedCategory_SaysSoInsteadOfASilentSuccess()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var (exit, output, error) = await CliProcess.RunAsync(
            ["backfill", "--source", azurite.ConnectionString, "--storage", azurite.ConnectionString, "--category", "ChatOperatonal", "--from", "2026-11-20T09:30Z", "--to", "2026-11-20T18:00Z", "--json"],
            new Dictionary<string, string?> { ["AcsFunctions__Storage__TablePrefix"] = prefix, ["AcsFunctions__Storage__PayloadContainer"] = prefix });

        Assert.True(exit == 0, error);
        using var result = JsonDocument.Parse(output); // standard output stays the JSON alone
        Assert.Equal(0, result.RootElement.GetProperty("blobs").GetInt32());
        Assert.Contains(
            "note: no archive blob in insights-logs-chatoperatonal whose hour starts in [2026-11-20T09:00Z, 2026-11-20T18:00Z): check --category",
            error,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backfill_ToBeforeFrom_InvalidArguments()
    {
        var (exit, _) = await RunAsync("tinvalid", ["backfill", "--source", azurite.ConnectionString, "--from", "2025-03-04T10:00Z", "--to", "2025-03-04T09:00Z"]);

        Assert.Equal(2, exit);
    }

    [Fact]
    public async Task Backfill_ArchiveRefusesAccess_Exit1_SaysSo()
    {
        var archive = await TestArchive.CreateAsync(azurite.ConnectionString, apiRequests: 20, calls: 1);
        var wrongKey = azurite.ConnectionString.Replace(AcsFunctions.Azurite.AzuriteHost.DevAccountKey, Convert.ToBase64String(new byte[64]), StringComparison.Ordinal);

        var (exit, _, error) = await CliProcess.RunAsync(
            ["backfill", "--source", wrongKey, "--storage", azurite.ConnectionString, "--resource", archive.ResourceId, "--from", "2026-11-20T09:00Z", "--to", "2026-11-20T18:00Z"],
            Prefix("t" + Guid.NewGuid().ToString("N")[..12]));

        Assert.True(exit == 1, $"exit {exit}: {error}");
        Assert.Contains("error: the archive account (--source) refused access (HTTP 403 ", error, StringComparison.Ordinal);
        Assert.Contains("hint: the identity needs the 'Storage Blob Data Reader' role on the archive account", error, StringComparison.Ordinal);
        Assert.DoesNotContain("destination", error, StringComparison.Ordinal);
    }

    /// <summary>
    /// The destination (--storage, where the records go) refusing the credentials while the archive reads fine is our
    /// storage's refusal as for every command: exit 3, the error naming the destination, the runner's hint. Before, every
    /// 401/403 was reported as the archive's ("the archive account refused access", exit 1), sending the operator to the
    /// wrong account.
    /// </summary>
    [Fact]
    public async Task Backfill_DestinationRefusesTheCredentials_NamesTheDestination_Exit3()
    {
        var archive = await TestArchive.CreateAsync(azurite.ConnectionString, apiRequests: 20, calls: 1);
        var refused = await AcsFunctions.Tests.Functions.QueryHttpHostsTests.RefusedAsync(azurite, Azure.Data.Tables.Sas.TableAccountSasPermissions.Add, DateTimeOffset.UtcNow.AddHours(1));

        var (exit, _, error) = await CliProcess.RunAsync(
            ["backfill", "--source", azurite.ConnectionString, "--storage", refused, "--resource", archive.ResourceId, "--from", "2026-11-20T09:00Z", "--to", "2026-11-20T18:00Z"],
            Prefix("t" + Guid.NewGuid().ToString("N")[..12]));

        Assert.True(exit == 3, $"exit {exit}: {error}");
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith("error:", StringComparison.Ordinal) || l.StartsWith("hint:", StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count == 2, error);
        Assert.StartsWith("error: the destination storage (--storage) refused the credentials (HTTP 403 AuthorizationPermissionMismatch): ", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("archive account", error, StringComparison.Ordinal);
        Assert.Equal("hint: " + AcsFunctions.Cli.CliRunner.RefusedHint, lines[1]);
    }

    [Fact]
    public async Task Backfill_TableStorageUnreachable_Exit3()
    {
        var archive = await TestArchive.CreateAsync(azurite.ConnectionString, apiRequests: 20, calls: 1);

        var (exit, _, error) = await CliProcess.RunAsync(
            ["backfill", "--source", azurite.ConnectionString, "--storage", UnreachableStorage.ConnectionString(azurite.ConnectionString), "--resource", archive.ResourceId, "--from", "2026-11-20T09:00Z", "--to", "2026-11-20T18:00Z"],
            Prefix("t" + Guid.NewGuid().ToString("N")[..12]));

        Assert.True(exit == 3, $"exit {exit}: {error}");
        Assert.Contains("error: cannot reach table storage at http://127.0.0.1:", error, StringComparison.Ordinal);
        var hint = Assert.Single(error.Split('\n'), l => l.StartsWith("hint: ", StringComparison.Ordinal)).TrimEnd('\r');
        Assert.Equal("hint: re-run the same command — it continues from its checkpoints.", hint); // not the error's advice twice
    }

    /// <summary>
    /// The destination's payload blobs (a record too big for a table row) not answering while its tables and the archive do
    /// is the destination storage being unavailable, as for every command: exit 3, its own error and hint. Before, the
    /// upload's timeout escaped the payload store unwrapped and was reported as "the archive account is unavailable …
    /// check --source".
    /// </summary>
    [Fact]
    public async Task Backfill_PayloadBlobsNeverAnswer_ReportedAsTheDestination_NotTheArchive_Exit3()
    {
        var archive = await TestArchive.CreateAsync(azurite.ConnectionString, apiRequests: 20, calls: 1);
        await archive.AddIncompressibleLineAsync();
        await using var blobs = new UnresponsiveStorage();
        var tablesAnswerBlobsDoNot = string.Join(';', azurite.ConnectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.StartsWith("BlobEndpoint=", StringComparison.Ordinal) ? $"BlobEndpoint=http://127.0.0.1:{blobs.Port}/devstoreaccount1" : p));
        var environment = Prefix("t" + Guid.NewGuid().ToString("N")[..12]);
        foreach (var (key, value) in UnresponsiveStorage.ShortWait())
        {
            environment[key] = value;
        }

        var (exit, _, error) = await CliProcess.RunAsync(
            ["backfill", "--source", azurite.ConnectionString, "--storage", tablesAnswerBlobsDoNot, "--resource", archive.ResourceId, "--from", "2026-11-20T09:00Z", "--to", "2026-11-20T18:00Z"],
            environment);

        Assert.True(exit == 3, $"exit {exit}: {error}");
        Assert.True(blobs.Accepted > 0, "the payload upload never reached the unresponsive blob endpoint");
        var lines = error.Split('\n').Select(l => l.TrimEnd('\r'))
            .Where(l => l.StartsWith("error:", StringComparison.Ordinal) || l.StartsWith("hint:", StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count == 2, error);
        Assert.StartsWith("error: Blob storage is unavailable (payload container '", lines[0], StringComparison.Ordinal);
        Assert.Contains("timed out", lines[0], StringComparison.Ordinal);
        Assert.Equal("hint: start Azurite (npx azurite) or pass --storage with a connection string; re-run the same command — it continues from its checkpoints.", lines[1]);
        Assert.DoesNotContain("archive", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backfill_ArchiveRefusesConnections_OneErrorNamingTheArchive_Exit3_OneAttempt()
    {
        var source = UnreachableStorage.ClosedPort(out var port);
        var environment = Prefix("t" + Guid.NewGuid().ToString("N")[..12]);
        environment["Logging__LogLevel__AcsFunctions.Storage.StorageReachability"] = "Debug";

        var (exit, output, error) = await CliProcess.RunAsync(
            ["backfill", "--source", source, "--storage", azurite.ConnectionString, "--from", "2026-11-20T09:00Z", "--to", "2026-11-20T18:00Z"], environment);

        Assert.True(exit == 3, $"exit {exit}: {output} {error}");
        var errors = error.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Equal(
            [$"error: cannot reach archive storage at http://127.0.0.1:{port}: connection refused — is the archive's connection string or URL (--source) right, and does a blob service listen there?"],
            errors);
        Assert.Contains("hint: nothing was read from it — re-run the same command once it answers.", error, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(error, "--source")); // the error asks about it; the hint does not repeat it
        Assert.DoesNotContain("start Azurite", error, StringComparison.Ordinal); // the archive is not this tool's storage
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(error, @"\[2005\] Storage \(archive\) at http://127\.0\.0\.1:\d+ was not reached on attempt 1"));
        Assert.DoesNotContain("[2004]", error, StringComparison.Ordinal); // no SDK retry
        Assert.DoesNotContain("Retry failed", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backfill_HumanOutput_SummaryWritesCountsAsTheTableDoes()
    {
        var archive = await TestArchive.CreateAsync(azurite.ConnectionString, apiRequests: 1_100, calls: 1);
        Assert.True(archive.TotalLines >= 1_000, $"{archive.TotalLines} lines: too few for a thousands separator");

        var (exit, output, error) = await CliProcess.RunAsync(
            ["backfill", "--source", azurite.ConnectionString, "--storage", azurite.ConnectionString, "--resource", archive.ResourceId, "--from", "2026-11-20T09:00Z", "--to", "2026-11-20T18:00Z"],
            Prefix("t" + Guid.NewGuid().ToString("N")[..12]));

        Assert.True(exit == 0, error);
        var records = archive.TotalLines.ToString("N0", CultureInfo.InvariantCulture);
        Assert.Matches($"│ +{System.Text.RegularExpressions.Regex.Escape(records)} │", output); // the table's Records column
        var summary = Assert.Single(output.Split('\n'), l => l.Contains("counts reconcile", StringComparison.Ordinal));
        Assert.Contains($" {records} records: {records} written, ", summary, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\d{4}", summary);
    }

    /// <summary>The table prefix, and quick retries so that an unreachable store fails in seconds.</summary>
    internal static Dictionary<string, string?> Prefix(string prefix) => new()
    {
        ["AcsFunctions__Storage__TablePrefix"] = prefix,
        ["AcsFunctions__Storage__PayloadContainer"] = prefix,
        ["AcsFunctions__Storage__MaxWriteAttempts"] = "2",
        ["AcsFunctions__Storage__RetryBaseDelay"] = "00:00:00.010",
    };

    private static async Task<(int Exit, string Output)> RunAsync(string tablePrefix, IEnumerable<string> args)
    {
        var (exit, output, error) = await CliProcess.RunAsync(args, new Dictionary<string, string?>
        {
            ["AcsFunctions__Storage__TablePrefix"] = tablePrefix,
            ["AcsFunctions__Storage__PayloadContainer"] = tablePrefix,
        });
        Assert.True(exit is 0 or 2, error);
        return (exit, output);
    }
}
