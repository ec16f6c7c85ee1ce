using AcsFunctions.Cli.Commands;
using AcsFunctions.Decoding;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Ingestion;

[Collection(AzuriteCollection.Name)]
public sealed class IdempotentIngestTests(AzuriteFixture azurite)
{
    private static readonly string[] _tables = [TableNames.Records, TableNames.CallRecords, TableNames.DeadLetters, TableNames.RollupPending];

    [Fact]
    public async Task SameInputTwice_EveryTableIdentical_CountAndContents()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var bodies = Bodies();

        var first = await storage.Pipeline.IngestAsync(bodies);
        var afterFirst = await TableSnapshot.TakeAsync(storage, _tables, "Token");
        var second = await storage.Pipeline.IngestAsync(bodies);
        var afterSecond = await TableSnapshot.TakeAsync(storage, _tables, "Token");

        Assert.Equal((first.Records, first.Stored, first.DeadLettered), (second.Records, second.Stored, second.DeadLettered));
        Assert.Equal(first.ByCategory, second.ByCategory);
        Assert.True(first.DeadLettered >= 3);
        Assert.True(afterFirst.Count > 40);
        Assert.Equal(afterFirst.Count, afterSecond.Count);
        Assert.Equal(afterFirst, afterSecond);
    }

    [Fact]
    public async Task SameInputRedeliveredInOtherBatches_SameTablesAsOneBatch()
    {
        var bodies = Bodies();
        await using var once = TestStorage.Create(azurite.ConnectionString);
        await using var split = TestStorage.Create(azurite.ConnectionString);

        await once.Pipeline.IngestAsync(bodies);
        await split.Pipeline.IngestAsync(bodies.Skip(3).ToList());
        await split.Pipeline.IngestAsync(bodies.Take(5).Reverse().ToList());

        string[] data = [TableNames.Records, TableNames.CallRecords, TableNames.DeadLetters];
        Assert.Equal(await TableSnapshot.TakeAsync(once, data), await TableSnapshot.TakeAsync(split, data));
    }

    private static List<EventBody> Bodies() =>
    [
        .. DemoCommand.SampleBodies(),
        new(Samples.Bytes("bad/bad-call-client-as-published.json"), new Lineage { File = "bad-call-client-as-published.json" }),
        new(Samples.Bytes("bad/bad-missing-comma-as-published.json"), new Lineage { File = "bad-missing-comma-as-published.json" }),
        Samples.Text("{\"records\": 5}", "records-not-an-array"),
    ];
}
