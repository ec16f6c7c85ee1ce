using System.Text;
using System.Text.Json;
using AcsFunctions.Decoding;
using AcsFunctions.Functions;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Record = AcsFunctions.Tests.Reliability.BadInputCorpus;

namespace AcsFunctions.Tests.Cli;

/// <summary>
/// A file whose records container breaks part-way, through the real <c>acs-diag ingest</c> and, for the same bytes, the
/// Event Hubs trigger's ingestor: the rest from the break on is one <c>invalid-json</c> dead letter that says why the
/// container broke (never decoded again as if it were a body of its own), and the file counts as one body.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class IngestBrokenContainerTests(AzuriteFixture azurite)
{
    /// <summary>A record 63 levels deep on its own: inside <c>{"records":[…]}</c> it is 65, past the limit of 64.</summary>
    private static readonly string Deep = Record.Record("deep", extra: "\"d\":" + string.Concat(Enumerable.Repeat("{\"d\":", 62)) + "1" + new string('}', 62));

    [Theory]
    [InlineData("too-deep-record-last")]
    [InlineData("too-deep-record-then-a-good-one")]
    public async Task TooDeepRecord_FileAndEvent_OneDeadLetterThatNamesTheNestingLimit(string name)
    {
        var text = name switch
        {
            "too-deep-record-last" => "{\"records\":[\n" + Deep + "\n]}\n",
            _ => "{\"records\":[\n" + Deep + ",\n" + Record.Record(name) + "\n]}\n",
        };
        JsonDocument.Parse(Deep, new JsonDocumentOptions { MaxDepth = 63 }).Dispose(); // exactly 63 deep
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(Deep, new JsonDocumentOptions { MaxDepth = 62 }));

        var (file, fileDead) = await IngestFileAsync(text);
        var (hub, hubDead) = await IngestEventAsync(text);

        foreach (var root in new[] { file, hub })
        {
            Assert.Equal((1, 1, 0, 1), (Int(root, "bodies"), Int(root, "records"), Int(root, "stored"), Int(root, "deadLettered")));
        }

        Assert.Equal(DeadLetterReasons.InvalidJson, Assert.Single(fileDead).GetString("Reason"));
        Assert.Equal(DeadLetterReasons.InvalidJson, Assert.Single(hubDead).GetString("Reason"));
        Assert.Contains("maximum configured depth of 64", hubDead[0].GetString("Detail"), StringComparison.Ordinal);
        Assert.Equal(hubDead[0].GetString("Detail"), fileDead[0].GetString("Detail"));
    }

    [Theory]
    [InlineData("truncated-inside-a-record", 2)]
    [InlineData("too-deep-record-after-good-ones", 2)]
    [InlineData("cut-off-after-a-whole-record", 2)]
    public async Task FileWhoseContainerBreaks_CountsOneBody_AndReconciles(string name, int stored)
    {
        var good = Record.Record(name + "-1") + ",\n" + Record.Record(name + "-2");
        var text = name switch
        {
            "truncated-inside-a-record" => "{\"records\":[\n" + good + ",\n" + Record.Record(name)[..40],
            "too-deep-record-after-good-ones" => "{\"records\":[\n" + good + ",\n" + Deep + "\n]}\n",
            _ => "{\"records\":[\n" + good + "\n",
        };

        var (root, dead) = await IngestFileAsync(text);

        Assert.Equal((1, stored + 1, stored, 1), (Int(root, "bodies"), Int(root, "records"), Int(root, "stored"), Int(root, "deadLettered")));
        Assert.True(root.GetProperty("reconciles").GetBoolean());
        Assert.Equal(DeadLetterReasons.InvalidJson, Assert.Single(dead).GetString("Reason"));
    }

    private static int Int(JsonElement root, string name) => root.GetProperty(name).GetInt32();

    private async Task<(JsonElement Result, List<Azure.Data.Tables.TableEntity> DeadLetters)> IngestFileAsync(string text)
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            var (exit, output, error) = await CliProcess.RunAsync(
                ["ingest", path, "--storage", azurite.ConnectionString, "--json"],
                new Dictionary<string, string?> { ["AcsFunctions__Storage__TablePrefix"] = prefix, ["AcsFunctions__Storage__PayloadContainer"] = prefix });
            Assert.True(exit == 0, error);
            await using var reader = TestStorage.Create(azurite.ConnectionString, new Dictionary<string, string?> { ["AcsFunctions:Storage:TablePrefix"] = prefix });
            return (JsonDocument.Parse(output).RootElement.Clone(), await reader.AllAsync(TableNames.DeadLetters));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private async Task<(JsonElement Result, List<Azure.Data.Tables.TableEntity> DeadLetters)> IngestEventAsync(string text)
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var result = await storage.Services.GetRequiredService<EventHubBatchIngestor>().IngestAsync([text], null, null, null, null);
        var json = JsonSerializer.SerializeToElement(new { bodies = result.Bodies, records = result.Records, stored = result.Stored, deadLettered = result.DeadLettered });
        return (json, await storage.AllAsync(TableNames.DeadLetters));
    }
}
