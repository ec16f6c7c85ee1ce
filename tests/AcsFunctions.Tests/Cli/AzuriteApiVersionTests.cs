using System.Text.Json.Nodes;
using AcsFunctions.Azurite;
using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Cli;

/// <summary>
/// The repository's Azurite started as the docs say (<c>npx azurite</c>: no <c>--skipApiVersionCheck</c>) refuses a
/// storage API version newer than it knows. A record whose payload only fits a blob must still be stored, not fail
/// the run with Azurite's "API version … is not supported".
/// </summary>
public sealed class AzuriteApiVersionTests
{
    [Fact]
    public async Task Ingest_PayloadInABlob_IsStoredByAnAzuriteThatChecksApiVersions()
    {
        await using var azurite = await AzuriteHost.StartAsync(new AzuriteOptions { SkipApiVersionCheck = false });
        var file = Path.Combine(Directory.CreateTempSubdirectory("acs-large-").FullName, "large.json");
        var junk = new byte[1_500_000];
        new Random(11).NextBytes(junk);
        var record = new JsonObject
        {
            ["time"] = "2025-03-04T10:00:00Z",
            ["resourceId"] = "/SUBSCRIPTIONS/X/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS1",
            ["category"] = "ChatOperational",
            ["operationName"] = "SendChatMessage",
            ["properties"] = new JsonObject { ["junk"] = Convert.ToBase64String(junk) },
        };
        await File.WriteAllTextAsync(file, new JsonObject { ["records"] = new JsonArray(record) }.ToJsonString());
        try
        {
            var (exit, output, error) = await CliProcess.RunAsync(["ingest", file, "--json", "--storage", azurite.ConnectionString], new Dictionary<string, string?>());

            Assert.True(exit == 0, $"exit {exit}\n{error}");
            var result = JsonNode.Parse(output)!;
            Assert.Equal(1, (int)result["stored"]!);
            Assert.True((bool)result["reconciles"]!);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }
}
