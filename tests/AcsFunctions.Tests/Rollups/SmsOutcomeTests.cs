using System.Text.Json;
using AcsFunctions.Dispatch;
using AcsFunctions.Generation;
using AcsFunctions.Queries;
using AcsFunctions.Tests.Generation;
using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Rollups;

/// <summary>
/// Every SMS delivery report is in exactly one outcome column of the API-request aggregates — the carrier that does not
/// report delivery (ErrorCode 5002) included — and the generator's ground truth classes it the same way.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class SmsOutcomeTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task DeliveryReports_EachInOneOutcome_TheOutcomesAddUpToTheCount()
    {
        var time = RollupTestData.Start.AddMinutes(3);
        string?[] descriptions = [null, "ErrorCode: 4005. ErrorMessage: Message is blocked by destination carrier", "ErrorCode: 4000. ErrorMessage: Message is rejected by fraud detection", "ErrorCode: 5002. ErrorMessage: Carrier does not support delivery reports"];
        var reports = descriptions.Select((d, i) =>
        {
            var report = RollupTestData.Request(time, 10 + i, "200", "SMSDeliveryReportsReceived", Categories.SmsOperational);
            report["resultDescription"] = d;
            return report;
        });
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([RollupTestData.Body(reports)]);
        await RollupTestData.RollupAsync(storage);

        var result = await RollupTestData.QueryAsync(storage, QueryKinds.ApiRequests, RollupTestData.Start, RollupTestData.Start.AddHours(1));
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(result.Rows, QueryJson.Options));
        var row = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal((4L, 1L, 1L, 1L, 1L), (
            row.GetProperty("count").GetInt64(), row.GetProperty("smsDelivered").GetInt64(), row.GetProperty("smsBlocked").GetInt64(),
            row.GetProperty("smsFailed").GetInt64(), row.GetProperty("smsUnknown").GetInt64()));
    }

    [Fact]
    public void TheGeneratorsGroundTruth_ClassesACarrierWithoutDeliveryReportsAsUnknown()
    {
        var stream = SyntheticStream.Create(new GeneratorOptions { Calls = 0, ApiRequests = 20_000, Emails = 0, Minutes = 20, Seed = 3 });
        var reports = GeneratedRecords.Parse(stream.Bodies()).Where(r => GeneratedRecords.Field(r, "operationName") == "SMSDeliveryReportsReceived").ToList();

        var unknown = reports.Count(r => GeneratedRecords.Field(r, "resultDescription")?.StartsWith("ErrorCode: 5002.", StringComparison.Ordinal) == true);
        Assert.True(unknown > 0);
        Assert.Equal(unknown, stream.Summary.Fact("sms:Unknown"));
    }
}
