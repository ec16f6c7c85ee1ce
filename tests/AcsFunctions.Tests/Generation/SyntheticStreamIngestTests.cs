using AcsFunctions.Generation;
using AcsFunctions.Ingestion;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;

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
