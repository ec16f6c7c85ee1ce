using System.Globalization;
using System.Text.Json;
using AcsFunctions.Tests.Infrastructure;
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

    public void Dispose() => Directory.Delete(_tools, recursive: true);

    private async Task<(int Exit, string Output, string Error)> RunAsync(FakeMetricsServer server, TestStorage storage, string format)
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
            "reconcile", "--resource", ResourceId,
            "--from", Start.ToString("O", CultureInfo.InvariantCulture), "--to", Start.AddHours(2).ToString("O", CultureInfo.InvariantCulture),
            "--metrics-endpoint", server.Endpoint.ToString(), "--storage", azurite.ConnectionString, "--format", format,
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
