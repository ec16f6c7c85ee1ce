using AcsFunctions.Queries;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using AcsFunctions.Tests.Rollups;

namespace AcsFunctions.Tests.Retention;

/// <summary>
/// A query over rows retention has deleted says so (<see cref="QueryResult.Expired"/>, a note from the CLI): its empty or
/// short answer there is not zero traffic. Before, a <c>PT1M</c> query older than <c>MinuteAggregates</c> and the unaligned
/// edge of a <c>PT1H</c> one answered nothing, exactly as a quiet period does.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class RetentionQueryTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset _start = RollupTestData.Start; // 10:00

    [Fact]
    public async Task A_query_reading_rows_retention_deleted_names_the_deleted_range_and_one_it_can_answer_names_none()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var requests = Enumerable.Range(0, 90).Select(i => RollupTestData.Request(_start.AddMinutes(i), 40 + i)).ToList();
        await storage.Pipeline.IngestAsync([RollupTestData.Body(requests)]);
        await RollupTestData.RollupAsync(storage);
        var before = await RollupTestData.QueryAsync(storage, QueryKinds.ApiRequests, _start.AddMinutes(30), _start.AddMinutes(90), "PT1M");
        Assert.Equal(60, before.Rows.Count);
        Assert.Empty(before.Expired);

        // Past MinuteAggregates (14 days), not past HourlyAggregates (93).
        storage.Time.SetUtcNow(_start.AddDays(20));
        await RetentionTestData.RunAsync(storage);

        // Every minute is gone: the answer is empty, and says why.
        var minutes = await RollupTestData.QueryAsync(storage, QueryKinds.ApiRequests, _start.AddMinutes(30), _start.AddMinutes(90), "PT1M");
        Assert.Empty(minutes.Rows);
        var expired = Assert.Single(minutes.Expired);
        Assert.Equal((TableNames.AggApiRequests, "minute", "MinuteAggregates", _start.AddMinutes(30), _start.AddMinutes(90)), (expired.Table, expired.Tier, expired.Setting, expired.From, expired.To));

        // Whole hours are read from hourly rows, which are kept: a full answer, nothing expired.
        var hours = await RollupTestData.QueryAsync(storage, QueryKinds.ApiRequests, _start, _start.AddHours(2), "PT1H");
        Assert.Equal(90, await RetentionTestData.CountAsync(storage, _start, _start.AddHours(2), "PT1H"));
        Assert.Empty(hours.Expired);

        // An unaligned start at PT1H reads its first 30 minutes from minute rows, which are gone: named.
        var edge = await RollupTestData.QueryAsync(storage, QueryKinds.ApiRequests, _start.AddMinutes(30), _start.AddHours(2), "PT1H");
        Assert.Equal(30, await RetentionTestData.CountAsync(storage, _start.AddMinutes(30), _start.AddHours(2), "PT1H"));
        Assert.Equal([(_start.AddMinutes(30), _start.AddHours(1))], edge.Expired.Select(e => (e.From, e.To)));

        // The CLI says it on standard error, beside the (header-only) answer.
        var (exit, output, error) = await CliProcess.RunAsync(
            ["query", "api-requests", "--from", "2026-11-20T10:30:00Z", "--to", "2026-11-20T11:30:00Z", "--format", "csv", "--storage", azurite.ConnectionString],
            new Dictionary<string, string?> { ["AcsFunctions__Storage__TablePrefix"] = storage.Prefix, ["AcsFunctions__Storage__PayloadContainer"] = storage.Prefix.ToLowerInvariant() });
        Assert.Equal(0, exit);
        Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("retention has deleted the minute rows this answer needs from 2026-11-20T10:30Z to 2026-11-20T11:30Z (older than AcsFunctions:Retention:MinuteAggregates)", error, StringComparison.Ordinal);
    }
}
