using AcsFunctions.Generation;
using AcsFunctions.Ingestion;
using AcsFunctions.Queries;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using static AcsFunctions.Tests.Rollups.RollupTestData;

namespace AcsFunctions.Tests.Generation;

[Collection(AzuriteCollection.Name)]
public sealed class SyntheticStreamIngestTests(AzuriteFixture azurite)
{
    private static readonly GeneratorOptions _modest = new() { Calls = 40, ApiRequests = 2_000, Emails = 120, Minutes = 6, Seed = 11 };

    [Fact]
    public async Task Ingest_CleanStream_ZeroDeadLettersAndEveryRecordStoredOnce()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var stream = SyntheticStream.Create(_modest);

        var result = await IngestAsync(storage, stream.Bodies());
        var summary = stream.Summary;

        Assert.Equal(0, result.DeadLettered);
        Assert.True(result.Reconciles);
        Assert.Equal(summary.Units, result.Records);
        Assert.Equal(summary.DistinctRecords, result.Stored + result.Unclassified);
        var rows = await StoredRowsByCategoryAsync(storage);
        Assert.Equal(summary.RecordsByCategory, rows);
        Assert.Empty(await storage.AllAsync(TableNames.DeadLetters));
    }

    [Fact]
    public async Task Ingest_MalformedDuplicatedLateStream_EveryUnitStoredOrDeadLetteredAsPredicted()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var stream = SyntheticStream.Create(_modest with { Seed = 12, Malformed = 0.15, Duplicates = 0.2, Late = 0.1 });

        var result = await IngestAsync(storage, stream.Bodies());
        var summary = stream.Summary;

        Assert.True(result.Reconciles);
        Assert.Equal(summary.Units, result.Records);
        Assert.Equal(summary.DeadLetterUnits, result.DeadLettered);
        Assert.Equal(summary.RecordsByCategory, await StoredRowsByCategoryAsync(storage));
        var dead = await storage.AllAsync(TableNames.DeadLetters);
        Assert.Equal(
            summary.DeadLettersByReason,
            dead.GroupBy(e => e.GetString("Reason")).ToDictionary(g => g.Key, g => (long)g.Count()).OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.All(dead, d => Assert.NotNull(d.GetInt64(PayloadColumns.Length)));
    }

    [Fact]
    public async Task RollUp_CallWhoseSummariesWereDeadLettered_QueriesShowTheGeneratorsCallsAndDoNotGradeItGood()
    {
        // The operator's run (generate said 49 calls, the queries 50): one P2P call lost both summaries to a body
        // --malformed replaced whole; its two diagnostics records were stored.
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var options = new GeneratorOptions { Calls = 50, ApiRequests = 500, Minutes = 10, Seed = 5, Malformed = 0.1 };
        var stream = SyntheticStream.Create(options);

        Assert.True((await IngestAsync(storage, stream.Bodies())).Reconciles);
        await RollupAsync(storage);
        var summary = stream.Summary;
        var from = options.EffectiveStart.AddDays(-1);
        var calls = (await QueryAsync(storage, QueryKinds.Calls, from, from.AddDays(2))).Rows.Cast<CallRow>().ToList();
        var volume = (await QueryAsync(storage, QueryKinds.CallVolume, from, from.AddDays(2))).Rows.Cast<CallVolumeRow>().ToList();

        Assert.Equal(1, summary.Fact("calls:no-summary"));
        Assert.Equal(summary.Calls, calls.Count);
        Assert.Equal(summary.Calls, volume.Sum(r => r.Calls));
        Assert.Equal(summary.Fact("calls:P2P"), calls.Count(c => c.CallType == "P2P"));
        Assert.Equal(summary.Fact("calls:Group"), calls.Count(c => c.CallType == "Group"));
        var orphan = Assert.Single(calls, c => c.CallType is null);
        Assert.Equal(0, orphan.Participants);
        Assert.Equal(2, orphan.Streams);
        Assert.True(orphan.CallStartEstimated);
        Assert.Equal(CallAggregate.Unknown, orphan.Quality);
        Assert.Equal(summary.Streams, calls.Sum(c => c.Streams));
        Assert.DoesNotContain(calls, c => c.Participants == 0 && c.Quality == CallAggregate.Good);
    }

    private static async Task<IngestResult> IngestAsync(TestStorage storage, IEnumerable<GeneratedBody> bodies)
    {
        var total = new IngestResult();
        foreach (var chunk in bodies.Chunk(40))
        {
            total = total.Add(await storage.Pipeline.IngestAsync(chunk.Select(b => b.ToEventBody()).ToList()));
        }

        return total;
    }

    private static async Task<SortedDictionary<string, long>> StoredRowsByCategoryAsync(TestStorage storage)
    {
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var table in new[] { TableNames.Records, TableNames.CallRecords })
        {
            foreach (var entity in await storage.AllAsync(table))
            {
                var category = entity.GetString("Category");
                counts[category] = counts.GetValueOrDefault(category) + 1;
            }
        }

        return counts;
    }
}
