using System.Text;
using System.Text.Json;
using AcsFunctions.Decoding;
using AcsFunctions.Ingestion;
using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Reliability;

/// <summary>
/// <c>bodies</c> counts bodies, not the chunks a file is read in (issue 15, finding 12): a file holding one document is
/// one body, each non-blank NDJSON line is one, however the file is chunked.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class BodyCountTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task GeneratedNdjsonPipedIntoIngest_CountsTheGeneratedBodies()
    {
        var generated = await CliProcess.RunAsync(
            ["generate", "--calls", "3", "--api-requests", "4000", "--minutes", "10", "--seed", "15", "--out", "-", "--json"], new Dictionary<string, string?>());
        Assert.True(generated.Exit == 0, generated.Error);
        using var summary = JsonDocument.Parse(generated.Error[generated.Error.IndexOf('{', StringComparison.Ordinal)..]);
        var bodies = summary.RootElement.GetProperty("bodies").GetInt32();
        Assert.True(Encoding.UTF8.GetByteCount(generated.Output) > FileBodySource.ChunkBytes, "the stream should span several read chunks");

        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var (exit, output, error) = await CliProcess.RunAsync(
            ["ingest", "-", "--storage", azurite.ConnectionString, "--json"],
            new Dictionary<string, string?> { ["AcsFunctions__Storage__TablePrefix"] = prefix, ["AcsFunctions__Storage__PayloadContainer"] = prefix },
            generated.Output);

        Assert.True(exit == 0, error);
        using var result = JsonDocument.Parse(output);
        Assert.Equal(bodies, result.RootElement.GetProperty("bodies").GetInt32());
        Assert.Equal(generated.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length, bodies);
    }

    [Fact]
    public async Task LargeNdjsonFileWithBlankAndBadLines_CountsEachNonBlankLine()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var file = Path.GetTempFileName();
        try
        {
            var line = Reliability.BadInputCorpus.Record("x", extra: "\"pad\":\"" + new string('p', 400) + "\"");
            var lines = new StringBuilder();
            var expected = 0;
            for (var i = 0; i < 6000; i++)
            {
                lines.Append(line.Replace("\"x\"", $"\"x{i}\"", StringComparison.Ordinal)).Append('\n');
                expected++;
                if (i % 500 == 0)
                {
                    lines.Append("\n   \n{ broken line\n");
                    expected++;
                }
            }

            await File.WriteAllTextAsync(file, lines.ToString());
            Assert.True(new FileInfo(file).Length > 2 * FileBodySource.ChunkBytes);

            var result = await storage.Pipeline.IngestAsync(FileBodySource.ReadFileAsync(file));

            Assert.Equal(expected, result.Bodies);
            Assert.True(result.Reconciles);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("bom-on-every-ndjson-line", 2, 2, 0)]
    [InlineData("bom-before-every-document", 2, 2, 0)]
    [InlineData("broken-pretty-printed-record", 1, 0, 1)]
    [InlineData("ndjson-every-line-bad", 3, 0, 3)]
    [InlineData("ndjson-bad-lines-and-a-good-one", 4, 1, 3)]
    public async Task File_LinesAndDocuments_CountAndStoreAsDocumented(string name, int bodies, int stored, int deadLettered)
    {
        const string Bom = "\uFEFF";
        var record = Reliability.BadInputCorpus.Record(name);
        var text = name switch
        {
            "bom-on-every-ndjson-line" => Bom + record + "\n" + Bom + record.Replace(name, name + "-2", StringComparison.Ordinal) + "\n",
            "bom-before-every-document" => Bom + "{\"records\":[" + record + "]}\n" + Bom + "{\"records\":[" + record.Replace(name, name + "-2", StringComparison.Ordinal) + "]}\n",
            "broken-pretty-printed-record" => "{\n \"category\": \"ChatOperational\",\n \"time\": \"2025-05-01T10:00:00Z\",\n \"tags\": [\n  \"a\",\n  1,\n  true\n ]\n",
            "ndjson-every-line-bad" => "{\"a\":1,}\n{\"b\":2,}\n{\"c\":3,}\n",
            _ => "{\"a\":1,}\n{\"b\":2,}\n{\"c\":3,}\n" + record + "\n",
        };
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));

            var result = await storage.Pipeline.IngestAsync(FileBodySource.ReadFileAsync(file));

            Assert.True(result.Reconciles);
            Assert.Equal((bodies, bodies, stored, deadLettered), (result.Bodies, result.Records, result.Stored, result.DeadLettered));
            Assert.Equal(deadLettered, (await storage.AllAsync(AcsFunctions.Storage.TableNames.DeadLetters)).Count);
            Assert.Equal(deadLettered == 0 ? [] : new[] { DeadLetterReasons.InvalidJson }, result.DeadLetteredByReason.Keys);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task DocumentsAndEvents_CountOneBodyEach()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var pretty = Encoding.UTF8.GetString(Samples.Bytes("samples/api-requests.json"));

        var files = await storage.Pipeline.IngestAsync([Samples.Body("api-requests.json"), Samples.Body("group-call.json"), Samples.Text("  \n ", "blank")]);
        var twoLines = await storage.Pipeline.IngestAsync([Samples.Text(Reliability.BadInputCorpus.Record("a") + "\n\n" + Reliability.BadInputCorpus.Record("b") + "\n")]);

        Assert.Contains('\n', pretty); // a pretty-printed document of many lines is still one body
        Assert.Equal(3, files.Bodies);
        Assert.Equal(2, twoLines.Bodies);
    }
}
