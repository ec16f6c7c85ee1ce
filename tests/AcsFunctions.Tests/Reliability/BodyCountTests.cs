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
