using System.Globalization;
using System.Text.Json;
using AcsFunctions.Reconcile;
using AcsFunctions.Retention;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static AcsFunctions.Tests.Reconcile.ReconcileServiceTests;

namespace AcsFunctions.Tests.Reconcile;

/// <summary>
/// The real <c>acs-diag reconcile</c> process against Azurite and the local metrics server: exit code 0 when
/// everything is equal, 4 when something differs, 1 on access errors, and the documented JSON. The child gets a token
/// the way a developer machine does (<c>az account get-access-token</c>, here a script printing the test token, chosen
/// with <c>AZURE_TOKEN_CREDENTIALS=AzureCliCredential</c>) and trusts only the server's throw-away certificate.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ReconcileCommandTests(AzuriteFixture azurite) : IDisposable
{
    private const string AzScript = "the stand-in for the Azure CLI is a /bin/sh script";

    private readonly string _tools = Directory.CreateTempSubdirectory("acs-reconcile-cli-").FullName;

    [UnixOnlyFact(AzScript)]
    public async Task Reconcile_AllEqual_Exit0_JsonRowsAndTotalsAsDocumented()
    {
        await using var server = await FakeMetricsServer.StartAsync();
        server.Points.AddRange(PlatformPoints());
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await WriteOursAsync(storage, Traffic);

        var (exit, output, error) = await RunAsync(server, storage, "json");

        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(ResourceId, root.GetProperty("resourceId").GetString());
        Assert.True(root.GetProperty("allEqual").GetBoolean());
        var rows = root.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(Traffic.Select(t => (t.Operation, t.Status)).Distinct().Count(), rows.Count);
        Assert.All(rows, r => Assert.Equal("equal", r.GetProperty("verdict").GetString()));
        var totals = root.GetProperty("totals");
        Assert.Equal(Traffic.Sum(t => t.Count), totals.GetProperty("platform").GetInt64());
        Assert.Equal(Traffic.Sum(t => t.Count), totals.GetProperty("ours").GetInt64());
        Assert.Equal(0, totals.GetProperty("difference").GetInt64());
    }

    [UnixOnlyFact(AzScript)]
    public async Task Reconcile_OneRowFewerOneRowMore_Exit4_JsonNamesBothVerdicts()
    {
        await using var server = await FakeMetricsServer.StartAsync();
        server.Points.AddRange(PlatformPoints());
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var ours = Traffic.ToArray();
        ours[0] = ours[0] with { Count = ours[0].Count - 3 }; // SendChatMessage 201 at 10:00: three records missing
        ours[6] = ours[6] with { Count = ours[6].Count + 1 }; // CreateCall 201 at 10:10 (the metric spells it "Create Call"): one it did not count
        await WriteOursAsync(storage, ours);

        var (exit, output, error) = await RunAsync(server, storage, "json");

        Assert.True(exit == 4, $"exit {exit}: {error}");
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.False(root.GetProperty("allEqual").GetBoolean());
        var differing = root.GetProperty("rows").EnumerateArray()
            .Where(r => r.GetProperty("verdict").GetString() != "equal")
            .Select(r => (r.GetProperty("metric").GetString(), r.GetProperty("operation").GetString(), r.GetProperty("statusCode").GetString(), r.GetProperty("difference").GetInt64(), r.GetProperty("verdict").GetString()))
            .OrderBy(r => r.Item1, StringComparer.Ordinal)
            .ToList();
        Assert.Equal([("APIRequestCallAutomation", "Create Call", "201", 1L, "we have more"), ("APIRequestChat", "SendChatMessage", "201", -3L, "we have fewer")], differing);
        Assert.Equal(-2, root.GetProperty("totals").GetProperty("difference").GetInt64());
    }

    [UnixOnlyFact(AzScript)]
    public async Task Reconcile_AccessDenied_Exit1_StandardErrorSaysWhy()
    {
        await using var server = await FakeMetricsServer.StartAsync();
        server.DenyWith = 403;
        await using var storage = TestStorage.Create(azurite.ConnectionString);

        var (exit, output, error) = await RunAsync(server, storage, "table");

        Assert.True(exit == 1, $"exit {exit}: {output} {error}");
        Assert.Contains("Monitoring Reader", error, StringComparison.Ordinal);
    }

    [UnixOnlyFact(AzScript)]
    public async Task ReconcileStore_HoursWhoseMinuteRowsRetentionDeleted_AreRefusedOrSkipped_NeverStoredAsFewer()
    {
        // API requests at 10:30 and 12:30, rolled up; retention (minute rows 14 days, the clock at 2026-11-23 12:00) then
        // deleted the minute rows before 2026-11-09 12:00: the 10:30 ones.
        var day = new DateTimeOffset(2026, 11, 9, 0, 0, 0, TimeSpan.Zero);
        await using var server = await FakeMetricsServer.StartAsync();
        server.Points.Add(new PlatformMetricPoint("APIRequestAuthentication", "CreateToken", "201", day.AddHours(10.5), 4));
        server.Points.Add(new PlatformMetricPoint("APIRequestAuthentication", "CreateToken", "201", day.AddHours(12.5), 5));
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([Rollups.RollupTestData.Body([
            .. Enumerable.Range(0, 4).Select(i => Rollups.RollupTestData.Request(day.AddHours(10.5).AddSeconds(i), 12)),
            .. Enumerable.Range(0, 5).Select(i => Rollups.RollupTestData.Request(day.AddHours(12.5).AddSeconds(i), 12))])]);
        Assert.Equal(0, (await Rollups.RollupTestData.RollupAsync(storage)).Failed);
        await storage.Services.GetRequiredService<RetentionService>().RunAsync(dryRun: false);
        Assert.DoesNotContain(await storage.AllAsync(TableNames.AggApiRequests), r => r.PartitionKey == AcsFunctions.Storage.Windows.Key(day.AddHours(10.5)));

        var (before, _, beforeError) = await RunAsync(server, storage, "table", Schemas.StoredRecords.ResourceId, day.AddHours(10), day.AddHours(12), "--store");
        var (straddling, output, straddlingError) = await RunAsync(server, storage, "json", Schemas.StoredRecords.ResourceId, day.AddHours(10), day.AddHours(14), "--store");

        Assert.True(before == 2, $"exit {before}: {beforeError}");
        Assert.Contains("AcsFunctions:Retention:MinuteAggregates", beforeError, StringComparison.Ordinal);
        Assert.Contains("--from 2026-11-09T12:00Z", beforeError, StringComparison.Ordinal);
        Assert.True(straddling == 0, $"exit {straddling}: {straddlingError}");
        Assert.Contains("note: compared from 2026-11-09T12:00Z", straddlingError, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(day.AddHours(12), json.RootElement.GetProperty("from").GetDateTimeOffset());
        var stored = await storage.AllAsync(ReconcileResultStore.TableName);
        var row = Assert.Single(stored);
        Assert.Equal((AcsFunctions.Storage.Windows.Key(day.AddHours(12)), 5L, 5L), (row.PartitionKey, row.GetInt64("Platform"), row.GetInt64("Ours")));
    }

    public void Dispose() => Directory.Delete(_tools, recursive: true);

    private Task<(int Exit, string Output, string Error)> RunAsync(FakeMetricsServer server, TestStorage storage, string format) =>
        RunAsync(server, storage, format, ResourceId, Start, Start.AddHours(2));

    private async Task<(int Exit, string Output, string Error)> RunAsync(FakeMetricsServer server, TestStorage storage, string format, string resourceId, DateTimeOffset from, DateTimeOffset to, params string[] more)
    {
        var az = Path.Combine(_tools, "az");
        await File.WriteAllTextAsync(az, "#!/bin/sh\necho '{\"accessToken\":\"" + FakeMetricsServer.Token + "\",\"expiresOn\":\"2099-01-01 00:00:00.000000\",\"expires_on\":4070908800,\"tokenType\":\"Bearer\"}'\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(az, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var certificate = Path.Combine(_tools, "server.pem");
        await File.WriteAllTextAsync(certificate, server.CertificatePem());
        string[] args =
        [
            "reconcile", "--resource", resourceId,
            "--from", from.ToString("O", CultureInfo.InvariantCulture), "--to", to.ToString("O", CultureInfo.InvariantCulture),
            "--metrics-endpoint", server.Endpoint.ToString(), "--storage", azurite.ConnectionString, "--format", format, .. more,
        ];
        return await CliProcess.RunAsync(args, new Dictionary<string, string?>
        {
            ["AcsFunctions__Storage__TablePrefix"] = storage.Prefix,
            ["PATH"] = _tools + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"),
            ["AZURE_TOKEN_CREDENTIALS"] = "AzureCliCredential",
            ["SSL_CERT_FILE"] = certificate,
            ["SSL_CERT_DIR"] = _tools,
        });
    }
}
