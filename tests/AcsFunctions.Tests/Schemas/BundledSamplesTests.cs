using AcsFunctions.Cli.Commands;
using AcsFunctions.Dispatch;
using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Schemas;

[Collection(AzuriteCollection.Name)]
public sealed class BundledSamplesTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task DemoSampleStream_StoresEveryHandledCategoryTyped()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);

        var result = await storage.Pipeline.IngestAsync(DemoCommand.SampleBodies());

        Assert.True(result.Reconciles);
        Assert.Equal(0, result.DeadLettered);
        Assert.Equal(0, result.Unclassified);
        string[] expected =
        [
            .. Categories.ApiRequestFamily,
            Categories.CallSummary, Categories.CallDiagnostics, Categories.CallClientOperations,
            Categories.CallClientMediaStatsTimeSeries, Categories.Usage, Categories.EmailSendMailOperational,
            Categories.EmailStatusUpdateOperational, Categories.EmailUserEngagementOperational,
        ];
        foreach (var category in expected)
        {
            Assert.True(result.ByCategory.TryGetValue(category, out var count) && count > 0, $"no {category} stored");
        }

        var sms = await StoredRecords.OfCategoryAsync(storage, Categories.SmsOperational);
        Assert.Equal(["Blocked", "Delivered", "Failed"], sms.Where(s => s.ContainsKey("SmsOutcome")).Select(s => s.GetString("SmsOutcome")).Order(StringComparer.Ordinal));
    }
}
