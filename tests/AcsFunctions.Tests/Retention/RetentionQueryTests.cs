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
        Assert.Contains("the minute rows this answer needs from 2026-11-20T10:30Z to 2026-11-20T11:30Z are older than AcsFunctions:Retention:MinuteAggregates and retention has been deleting them", error, StringComparison.Ordinal);
        Assert.Contains("Query older data at PT1H or P1D from and to whole hours", error, StringComparison.Ordinal);
    }

    /// <summary>
    /// Knowing what retention trimmed costs a query one small read of the <c>trimmed|</c> rows only: not retention's
    /// resume positions or the blob intents a stopped run left (before, every windowed query read the whole state and
    /// intent partitions, an OR of two partitions that the real service answers with a table scan).
    /// </summary>
    [Fact]
    public async Task A_query_reads_only_the_trimmed_cutoffs_of_retentions_state()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([RollupTestData.Body(Enumerable.Range(0, 90).Select(i => RollupTestData.Request(_start.AddMinutes(i), 40 + i)))]);
        await RollupTestData.RollupAsync(storage);
        storage.Time.SetUtcNow(_start.AddDays(20));
        await RetentionTestData.RunAsync(storage);
        var first = await RollupTestData.QueryAsync(storage, QueryKinds.ApiRequests, _start, _start.AddHours(2), "PT1H");

        // What else retention keeps in its table: a resume position and blob intents a stopped run left behind.
        var state = storage.Storage.GetTable("RetentionState");
        await state.UpsertEntityAsync(new Azure.Data.Tables.TableEntity("state", "resume|AggApiRequests|minute") { ["AfterPartition"] = "x", ["AfterRow"] = "y" });
        foreach (var i in Enumerable.Range(0, 5))
        {
            await state.UpsertEntityAsync(new Azure.Data.Tables.TableEntity("blobs", $"intent-{i}") { ["Blobs"] = "[]" });
        }

        var second = await RollupTestData.QueryAsync(storage, QueryKinds.ApiRequests, _start, _start.AddHours(2), "PT1H");
        Assert.Equal((first.ReadQueries, first.RowsRead), (second.ReadQueries, second.RowsRead));
        Assert.Equal(first.Expired, second.Expired);
        Assert.Equal(90, await RetentionTestData.CountAsync(storage, _start, _start.AddHours(2), "PT1H"));
    }

    /// <summary>
    /// The CLI's note advises what helps for the tier that is gone: past <c>HourlyAggregates</c> only <c>P1D</c> from and to
    /// whole days, past <c>DailyAggregates</c> nothing (before, every note advised "PT1H or P1D from and to whole hours or
    /// days", which reads the very hourly rows that are gone).
    /// </summary>
    [Fact]
    public async Task The_CLI_note_advises_per_tier()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([RollupTestData.Body(Enumerable.Range(0, 90).Select(i => RollupTestData.Request(_start.AddMinutes(i), 40 + i)))]);
        await RollupTestData.RollupAsync(storage);
        var environment = new Dictionary<string, string?> { ["AcsFunctions__Storage__TablePrefix"] = storage.Prefix, ["AcsFunctions__Storage__PayloadContainer"] = storage.Prefix.ToLowerInvariant() };

        // Past HourlyAggregates (93 days): the first, partial day at P1D is read from hourly rows, which are gone.
        storage.Time.SetUtcNow(_start.AddDays(100));
        await RetentionTestData.RunAsync(storage);
        var (exit, _, error) = await CliProcess.RunAsync(
            ["query", "api-requests", "--from", "2026-11-20T10:00:00Z", "--to", "2026-11-22T00:00:00Z", "--interval", "P1D", "--storage", azurite.ConnectionString], environment);
        Assert.Equal(0, exit);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var note = Assert.Single(lines, l => l.StartsWith("note: the hour rows", StringComparison.Ordinal));

        // The first, partial day is also named as partial (it holds 10:00 to midnight): the command's own wiring.
        Assert.Single(lines, l => l.StartsWith("note: the range does not start and end on whole P1D windows: the first row (2026-11-20T00:00Z) counts 2026-11-20T10:00Z to 2026-11-21T00:00Z only", StringComparison.Ordinal));
        Assert.Contains("the hour rows this answer needs from 2026-11-20T10:00Z to 2026-11-21T00:00Z are older than AcsFunctions:Retention:HourlyAggregates", note, StringComparison.Ordinal);
        Assert.EndsWith("Query older data at P1D from and to whole days (daily rows are kept longer).", note, StringComparison.Ordinal);

        // Past DailyAggregates (730 days): whole days are read from daily rows, which are gone, and nothing coarser is kept.
        storage.Time.SetUtcNow(_start.AddDays(800));
        await RetentionTestData.RunAsync(storage);
        (exit, _, error) = await CliProcess.RunAsync(
            ["query", "api-requests", "--from", "2026-11-20", "--to", "2026-11-22", "--interval", "P1D", "--storage", azurite.ConnectionString], environment);
        Assert.Equal(0, exit);
        note = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), l => l.StartsWith("note:", StringComparison.Ordinal));
        Assert.Contains("the day rows this answer needs from 2026-11-20T00:00Z to 2026-11-22T00:00Z are older than AcsFunctions:Retention:DailyAggregates", note, StringComparison.Ordinal);
        Assert.DoesNotContain("Query older data", note, StringComparison.Ordinal);
        Assert.Contains("nothing coarser is kept", note, StringComparison.Ordinal);
    }
}
