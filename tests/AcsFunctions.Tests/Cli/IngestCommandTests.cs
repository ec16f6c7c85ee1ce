using System.Text.Json;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Cli;

/// <summary>The real <c>acs-diag ingest</c> process against Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class IngestCommandTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task IngestJson_SamplesDirectory_PrintsCountsAndStores()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];

        var (exit, output, error) = await CliProcess.RunAsync(["ingest", Samples.Path("samples"), "--storage", azurite.ConnectionString, "--json"], Prefix(prefix));

        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        var sampleFiles = Directory.GetFiles(Samples.Path("samples"), "*.json").Length;
        Assert.Equal(sampleFiles, root.GetProperty("bodies").GetInt32());
        var records = root.GetProperty("records").GetInt32();
        Assert.True(records >= 50);
        Assert.Equal(records, root.GetProperty("stored").GetInt32());
        Assert.Equal(0, root.GetProperty("unclassified").GetInt32());
        Assert.Equal(0, root.GetProperty("deadLettered").GetInt32());
        var byCategory = root.GetProperty("byCategory").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        Assert.Equal(records, byCategory.Values.Sum());
        Assert.Equal(4, byCategory["SMSOperational"]);
        Assert.Equal(10, byCategory["CallSummary"]);

        await using var reader = TestStorage.Create(azurite.ConnectionString, new Dictionary<string, string?> { ["AcsFunctions:Storage:TablePrefix"] = prefix });
        Assert.Equal(4, (await reader.AllAsync(TableNames.Records)).Count(e => e.GetString("Category") == "SMSOperational"));
        // The JSON's exact accounting, against the rows: every record stored is a row, except that the 5 records of
        // p2p-call-privatepreview.json (the old category spelling of p2p-call.json's call) land on p2p-call.json's rows.
        var privatePreview = JsonDocument.Parse(await File.ReadAllBytesAsync(Samples.Path("samples/p2p-call-privatepreview.json"))).RootElement.GetProperty("records").GetArrayLength();
        Assert.Equal(5, privatePreview);
        Assert.Equal(records - privatePreview, (await reader.AllAsync(TableNames.Records)).Count + (await reader.AllAsync(TableNames.CallRecords)).Count);
        Assert.Empty(await reader.AllAsync(TableNames.DeadLetters));
    }

    [Fact]
    public async Task Ingest_OneBodyOfOneRecord_SummaryInTheSingular()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var record = "{\"time\":\"2026-11-20T10:00:00Z\",\"resourceId\":\"/SUBSCRIPTIONS/X/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS\",\"category\":\"ChatOperational\",\"operationName\":\"GetChatThread\",\"resultSignature\":\"200\",\"durationMs\":5}";

        var (exit, output, error) = await CliProcess.RunAsync(["ingest", "-", "--storage", azurite.ConnectionString], Prefix(prefix), "{\"records\":[" + record + "]}");

        Assert.True(exit == 0, error);
        Assert.Contains("1 body, 1 record: 1 written, 0 unclassified (written raw), 0 dead-lettered — counts reconcile", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IngestJson_StandardInputNdjsonWithABadLine_DeadLettersOnlyThatLine()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var good = "{\"time\":\"2026-11-20T10:00:00Z\",\"resourceId\":\"/SUBSCRIPTIONS/X/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS\",\"category\":\"ChatOperational\",\"operationName\":\"GetChatThread\",\"resultSignature\":\"200\",\"durationMs\":5}";
        var input = good + "\n{ not json\n" + good.Replace("GetChatThread", "ListChatThreads", StringComparison.Ordinal) + "\n";

        var (exit, output, error) = await CliProcess.RunAsync(["ingest", "-", "--storage", azurite.ConnectionString, "--json"], Prefix(prefix), input);

        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(3, root.GetProperty("records").GetInt32());
        Assert.Equal(2, root.GetProperty("stored").GetInt32());
        Assert.Equal(1, root.GetProperty("deadLettered").GetInt32());
        Assert.Equal(2, root.GetProperty("byCategory").GetProperty("ChatOperational").GetInt32());
        Assert.True(root.GetProperty("reconciles").GetBoolean());
    }

    [Fact]
    public async Task Ingest_SameFileTwice_SummarySaysWrittenAsUpserts_AndTheSecondRunAddsNoRows()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        string[] args = ["ingest", Samples.Path("samples/api-requests.json"), "--storage", azurite.ConnectionString];
        var records = JsonDocument.Parse(await File.ReadAllBytesAsync(Samples.Path("samples/api-requests.json"))).RootElement.GetProperty("records").GetArrayLength();
        await using var reader = TestStorage.Create(azurite.ConnectionString, new Dictionary<string, string?> { ["AcsFunctions:Storage:TablePrefix"] = prefix });

        var first = await CliProcess.RunAsync(args, Prefix(prefix));
        var rowsAfterFirst = (await reader.AllAsync(TableNames.Records)).Count;
        var second = await CliProcess.RunAsync(args, Prefix(prefix));
        var rowsAfterSecond = (await reader.AllAsync(TableNames.Records)).Count;

        Assert.Equal(records, rowsAfterFirst);
        Assert.Equal(rowsAfterFirst, rowsAfterSecond); // re-delivered records overwrite their own rows
        foreach (var (exit, output, error) in new[] { first, second })
        {
            Assert.True(exit == 0, error);
            // The same line both times: the count is of records written (upserts), and says so — not of new rows.
            Assert.Contains($"1 body, {records} records: {records} written, 0 unclassified (written raw), 0 dead-lettered — counts reconcile", output, StringComparison.Ordinal);
            Assert.Contains(global::AcsFunctions.Cli.Output.IngestReport.UpsertNote, output, StringComparison.Ordinal);
            Assert.Contains("Written per category", output, StringComparison.Ordinal);
            Assert.DoesNotContain(" stored", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Ingest_TableStorageUnreachable_Exit3_AndSaysReRunIsSafe()
    {
        var (exit, output, error) = await CliProcess.RunAsync(
            ["ingest", Samples.Path("samples/api-requests.json"), "--storage", UnreachableStorage.ConnectionString(azurite.ConnectionString), "--json"],
            Backfill.BackfillCommandTests.Prefix("t" + Guid.NewGuid().ToString("N")[..12]));

        Assert.True(exit == 3, $"exit {exit}: {output} {error}");
        Assert.Contains("re-run", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_DirectoryWithoutAnInputFile_NamesWhatWasSkipped()
    {
        // A directory of the wrong files (here gzip archives and text) ingests nothing: exit 0, but not silently.
        var directory = Directory.CreateTempSubdirectory("acs-ingest-").FullName;
        try
        {
            await File.WriteAllBytesAsync(Path.Combine(directory, "PT1H.json.gz"), [0x1f, 0x8b, 8, 0]);
            await File.WriteAllTextAsync(Path.Combine(directory, "notes.txt"), "x");
            var (exit, output, error) = await CliProcess.RunAsync(["ingest", directory, "--storage", azurite.ConnectionString, "--json"], Prefix("t" + Guid.NewGuid().ToString("N")[..12]));

            Assert.True(exit == 0, error);
            Assert.Equal(0, JsonDocument.Parse(output).RootElement.GetProperty("bodies").GetInt32());
            Assert.Contains($"note: no *.json, *.ndjson or *.jsonl file under {directory} (2 other files skipped, e.g. PT1H.json.gz)", error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static Dictionary<string, string?> Prefix(string prefix) => new()
    {
        ["AcsFunctions__Storage__TablePrefix"] = prefix,
        ["AcsFunctions__Storage__PayloadContainer"] = prefix,
    };
}
