using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Ingestion;

[Collection(AzuriteCollection.Name)]
public sealed class IngestPipelineTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task IngestAsync_SampleStream_EveryRecordStoredAndCountsReconcile()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);

        var result = await storage.Pipeline.IngestAsync([Samples.Body("p2p-call.json"), Samples.Body("group-call.json")]);

        Assert.True(result.Reconciles);
        Assert.Equal(12, result.Records);
        Assert.Equal(0, result.DeadLettered);
        var stored = (await storage.AllAsync(TableNames.CallRecords)).Count + (await storage.AllAsync(TableNames.Records)).Count;
        Assert.Equal(12, stored);
    }

    [Fact]
    public async Task IngestAsync_SameInputTwice_TablesIdentical()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var bodies = new[] { Samples.Body("p2p-call.json"), Samples.Body("call-client.json"), Samples.Text("{\"not\":\"a record\"}") };

        await storage.Pipeline.IngestAsync(bodies);
        var first = await SnapshotAsync(storage);
        await storage.Pipeline.IngestAsync(bodies);
        var second = await SnapshotAsync(storage);

        Assert.Equal(first, second);
    }

    private static async Task<List<string>> SnapshotAsync(TestStorage storage)
    {
        var rows = new List<string>();
        foreach (var table in new[] { TableNames.Records, TableNames.CallRecords, TableNames.DeadLetters })
        {
            foreach (var e in await storage.AllAsync(table))
            {
                var props = e.Where(p => p.Key is not ("Timestamp" or "odata.etag"))
                    .OrderBy(p => p.Key, StringComparer.Ordinal)
                    .Select(p => $"{p.Key}={Format(p.Value)}");
                rows.Add($"{table}|{e.PartitionKey}|{e.RowKey}|{string.Join(";", props)}");
            }
        }

        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    private static string Format(object? value) => value is byte[] b ? Convert.ToBase64String(b) : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "null";
}
