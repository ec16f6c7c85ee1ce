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
        var first = await TableSnapshot.TakeAsync(storage, [TableNames.Records, TableNames.CallRecords, TableNames.DeadLetters]);
        await storage.Pipeline.IngestAsync(bodies);
        var second = await TableSnapshot.TakeAsync(storage, [TableNames.Records, TableNames.CallRecords, TableNames.DeadLetters]);

        Assert.Equal(first, second);
    }
}
