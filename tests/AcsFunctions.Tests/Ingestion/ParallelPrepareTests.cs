using System.Globalization;
using AcsFunctions.Benchmarks;
using AcsFunctions.Generation;
using AcsFunctions.Ingestion;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Ingestion;

[Collection(AzuriteCollection.Name)]
public sealed class ParallelPrepareTests(AzuriteFixture azurite)
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task PrepareBatch_OnSeveralThreads_SameRowsDeadLettersAndMarksInTheSameOrderAsOneThread(int threads)
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var bodies = IngestBenchmarks.GenerateBodies(4 * BatchPreparer.MinBytesPerThread);
        var odd = new GeneratorOptions { Calls = 10, ApiRequests = 400, Minutes = 5, Seed = 5, Malformed = 0.3, Duplicates = 0.2 };
        bodies.AddRange(SyntheticStream.Create(odd).Bodies().Select(b => b.ToEventBody()));

        var one = storage.Pipeline.Preparer.Prepare(bodies, parallelism: 1).State;
        var many = storage.Pipeline.Preparer.Prepare(bodies, parallelism: threads).State;

        Assert.True(one.DeadLetters.Count > 0 && one.Marks.Count > 1, "the input exercises dead letters and marks");
        Assert.True(one.AllObservations.Length > 0, "the observers watch the batch");
        // RunsPerThread parts per thread (claimed one at a time, so uneven parts balance out), each observed.
        Assert.Equal(threads * BatchPreparer.RunsPerThread * one.AllObservations.Length, many.AllObservations.Length);
        Assert.Equal(one.Units, many.Units);
        Assert.Equal(Rows(one.Pending.Select(p => p.Write)), Rows(many.Pending.Select(p => p.Write)));
        Assert.Equal(Rows(one.DeadLetters), Rows(many.DeadLetters));
        Assert.Equal(Rows(one.Marks.Values.Select(m => new TableWrite("marks", m))), Rows(many.Marks.Values.Select(m => new TableWrite("marks", m))));
        Assert.Equal(one.DeadByReason.OrderBy(p => p.Key, StringComparer.Ordinal), many.DeadByReason.OrderBy(p => p.Key, StringComparer.Ordinal));
        var (expected, actual) = (one.ToResult(), many.ToResult());
        Assert.Equal(bodies.Count, expected.Bodies); // the bodies are counted while decoding (one document each here)
        Assert.Equal(expected, actual with { ByCategory = expected.ByCategory, DeadLetteredByReason = expected.DeadLetteredByReason });
        Assert.Equal(expected.ByCategory, actual.ByCategory);
    }

    [Fact]
    public async Task PrepareBatch_OfABenchmarkBatchUnderHalfAMebibyte_IsSplitOverBothThreads()
    {
        // P1's batches are 16 generated bodies (570 KiB on average); 48 of its 180 were under 512 KiB and stayed on one
        // thread while MinBytesPerThread was 256 KiB. A batch of ~320 KiB is now shared by two threads.
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var bodies = IngestBenchmarks.GenerateBodies(320 * 1024);
        Assert.InRange(bodies.Sum(b => (long)b.Data.Length), 320 * 1024, 512 * 1024 - 1);

        var one = storage.Pipeline.Preparer.Prepare(bodies, parallelism: 1).State;
        var two = storage.Pipeline.Preparer.Prepare(bodies, parallelism: 2).State;

        // One part per run, each observed by every observer: more than one run means both threads had work to claim.
        Assert.NotEmpty(one.AllObservations);
        Assert.True(two.AllObservations.Length >= 2 * one.AllObservations.Length, $"{two.AllObservations.Length} observations for {one.AllObservations.Length} observers");
        Assert.Equal(Rows(one.Pending.Select(p => p.Write)), Rows(two.Pending.Select(p => p.Write)));
    }

    [Fact]
    public void ParallelItems_RunsEveryItemOnce_AndRethrowsTheFirstFailureAsThrown()
    {
        var seen = new int[1000];
        ParallelItems.Run(seen.Length, 3, i => Interlocked.Increment(ref seen[i]));
        Assert.All(seen, n => Assert.Equal(1, n));

        var error = Assert.Throws<FormatException>(() => ParallelItems.Run(1000, 2, i =>
        {
            if (i == 10)
            {
                throw new FormatException("item 10");
            }
        }));
        Assert.Equal("item 10", error.Message);
    }

    // Every row as text in order: table, keys and every column except the marks' random token.
    private static List<string> Rows(IEnumerable<TableWrite> writes) =>
        [.. writes.Select(w => w.Table + "|" + string.Join("|", w.Entity
            .Where(p => p.Key != "Token")
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => p.Key + "=" + (p.Value is byte[] b ? Convert.ToBase64String(b) : Convert.ToString(p.Value, CultureInfo.InvariantCulture)))))];
}
