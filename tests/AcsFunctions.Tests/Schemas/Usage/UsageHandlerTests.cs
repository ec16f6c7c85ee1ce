using AcsFunctions.Dispatch;
using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Schemas.Usage;

[Collection(AzuriteCollection.Name)]
public sealed class UsageHandlerTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task UsageSample_TypedColumns_UsageRecordIdDoesNotReplaceContentId()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var result = await storage.Pipeline.IngestAsync([Samples.Body("usage.json")]);

        Assert.Equal(5, result.ByCategory[Categories.Usage]);
        var rows = await StoredRecords.OfCategoryAsync(storage, Categories.Usage);
        var pstn = Assert.Single(rows, r => r.GetString("UsageType") == "PSTN");
        Assert.Equal("Minute", pstn.GetString("UnitType"));
        Assert.Equal(1d, pstn.GetDouble("Quantity"));
        Assert.Equal("6e1b7c2f-4d3a-4b9c-8f8e-2a3b4c5d6e7f", pstn.GetString("UsageRecordId"));
        Assert.Matches("^[0-9a-f]{32}$", pstn.GetString("RecordId"));
        Assert.Equal("515650f7-8204-4079-ac9d-d8f4bf07b04c", pstn.GetString("ParticipantId"));
        Assert.Equal(52d, pstn.GetDouble("DurationSeconds"));
        Assert.Equal(0.156114, Assert.Single(rows, r => r.GetString("UnitType") == "MB").GetDouble("Quantity"));
        Assert.False(Assert.Single(rows, r => r.GetString("UsageType") == "SMS").ContainsKey("DurationSeconds"));
    }

    [Fact]
    public async Task Usage_QuantityNotANumber_KeptRaw()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([StoredRecords.Body(StoredRecords.Record(Categories.Usage, "Usage", new { UsageType = "Chat", UnitType = "Message", Quantity = "lots" }))]);

        var row = await StoredRecords.SingleAsync(storage, Categories.Usage);
        Assert.False(row.ContainsKey("Quantity"));
        Assert.Equal("lots", row.GetString("QuantityRaw"));
    }
}
