using AcsFunctions.Cli.Commands;
using AcsFunctions.Cli.Output;
using AcsFunctions.Dispatch;
using AcsFunctions.Storage;
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

    [Fact]
    public async Task DemoEnrichmentSummary_ShowsEnrichedValuesPerCategory()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync(DemoCommand.SampleBodies());
        var rows = (await storage.AllAsync(TableNames.Records)).Concat(await storage.AllAsync(TableNames.CallRecords));

        var summary = EnrichmentSummary.Summarize(rows).ToDictionary(s => s.Category);

        Assert.Contains("SmsOutcome: Blocked 1, Delivered 1, Failed 1", summary[Categories.SmsOperational].Highlights, StringComparison.Ordinal);
        Assert.StartsWith("StatusClass: 2xx 1, 429 1", summary[Categories.ChatOperational].Highlights, StringComparison.Ordinal);
        Assert.Contains("Direction: Outbound", summary[Categories.CallDiagnostics].Highlights, StringComparison.Ordinal);
        Assert.Contains("EngagementType: Click 1, View 1", summary[Categories.EmailUserEngagementOperational].Highlights, StringComparison.Ordinal);
        Assert.Contains("PayloadParsed: True 1", summary[Categories.CallClientOperations].Highlights, StringComparison.Ordinal);
    }
}
