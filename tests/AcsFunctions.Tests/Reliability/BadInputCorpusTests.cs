using Xunit.Abstractions;
using AcsFunctions.Decoding;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Tests.Reliability;

[Collection(ReliabilityCollection.Name)]
public sealed class BadInputCorpusTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    [Fact]
    public void Corpus_HasAtLeastFortyCases() => Assert.True(BadInputCorpus.Cases.Count >= 40, $"only {BadInputCorpus.Cases.Count} cases");

    [Theory]
    [MemberData(nameof(BadInputCorpus.Names), MemberType = typeof(BadInputCorpus))]
    public async Task Ingest_BadInput_NoCrashBoundedMemoryEveryUnitStoredOrDeadLettered(string name)
    {
        var attack = BadInputCorpus.Cases[name];
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var bodies = attack.Bodies.Select(b => new EventBody(b, new Lineage { File = name })).ToList();
        GC.Collect();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var workingSetBefore = Environment.WorkingSet;

        var result = await storage.Pipeline.IngestAsync(bodies);

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var workingSetGrowth = Environment.WorkingSet - workingSetBefore;
        output.WriteLine($"{name}: {attack.InputBytes:N0} bytes in, {result.Records:N0} units, {allocated / 1_048_576.0:N1} MiB allocated, working set {workingSetGrowth / 1_048_576.0:+0.0;-0.0} MiB");
        foreach (var d in (await storage.AllAsync(TableNames.DeadLetters)).Take(3))
        {
            output.WriteLine($"dead letter {d.GetString("Reason")}: {d.GetString("Detail")}");
        }

        Assert.True(result.Reconciles, $"{result.Records} != {result.Stored} + {result.Unclassified} + {result.DeadLettered}");
        if (attack.Units is { } units)
        {
            Assert.Equal(units, result.Records);
        }

        if (attack.DeadByReason is { } reasons)
        {
            Assert.Equal(reasons.OrderBy(p => p.Key, StringComparer.Ordinal), result.DeadLetteredByReason.OrderBy(p => p.Key, StringComparer.Ordinal));
        }

        // The tables, not only the result: every stored unit has its row, every dead-lettered unit its row with
        // reason, lineage and payload (identical units share one row, which keeps re-delivery idempotent).
        var storedRows = (await storage.AllAsync(TableNames.Records)).Concat(await storage.AllAsync(TableNames.CallRecords)).ToList();
        var deadRows = await storage.AllAsync(TableNames.DeadLetters);
        Assert.Equal(attack.StoredRows ?? result.Stored + result.Unclassified, storedRows.Count);
        Assert.Equal(attack.DeadRows ?? result.DeadLettered, deadRows.Count);
        Assert.Equal(result.DeadLetteredByReason.Keys.Order(StringComparer.Ordinal), deadRows.Select(d => d.GetString("Reason")).Distinct().Order(StringComparer.Ordinal));
        Assert.All(deadRows, d =>
        {
            Assert.Equal(name, d.GetString("SourceFile"));
            Assert.True(HasPayload(d), $"dead letter {d.RowKey} keeps no payload");
        });
        Assert.All(storedRows, r => Assert.True(HasPayload(r), $"record {r.RowKey} keeps no payload"));

        if (attack.PayloadInBlob)
        {
            var offloaded = storedRows.Concat(deadRows).Where(e => e.GetString(PayloadColumns.Blob) is not null).ToList();
            var row = Assert.Single(offloaded);
            var payload = await PayloadColumns.ReadAsync(row, storage.Services.GetRequiredService<PayloadStore>());
            Assert.Equal(row.GetInt64(PayloadColumns.Length), payload!.Length);
        }

        if (attack.RoundTrip)
        {
            var row = Assert.Single(storedRows);
            var payload = await PayloadColumns.ReadAsync(row, storage.Services.GetRequiredService<PayloadStore>());
            Assert.True(payload!.Length > 900_000, $"payload is only {payload.Length:N0} bytes");
            var body = Assert.Single(attack.Bodies);
            Assert.True(body.AsSpan().IndexOf(payload) >= 0, "the stored payload is not the record as sent");
        }

        // Bounded memory, measured loosely: allocation proportional to the input, no runaway growth.
        var allocationBound = (48 * attack.InputBytes) + (8_192L * result.Records) + (96L << 20);
        Assert.True(allocated < allocationBound, $"allocated {allocated >> 20} MiB for {attack.InputBytes >> 10} KiB of input (bound {allocationBound >> 20} MiB)");
        Assert.True(workingSetGrowth < (768L << 20), $"working set grew by {workingSetGrowth >> 20} MiB");
    }

    private static bool HasPayload(TableEntity entity) =>
        entity.GetString(PayloadColumns.Raw) is not null || entity.GetInt32(PayloadColumns.GzipChunks) is > 0 || entity.GetString(PayloadColumns.Blob) is not null;
}
