using System.Globalization;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using AcsFunctions.Generation;
using AcsFunctions.Health;
using AcsFunctions.Queries;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using AcsFunctions.Tests.Reliability;
using AcsFunctions.Tests.Rollups;

namespace AcsFunctions.Tests.Storage;

/// <summary>
/// Keys for scale (issue #20): a store written before shard suffixes existed (records, dead letters, health rows and
/// roll-up marks under their bare keys) rolls up and answers every query exactly as the same data written with the
/// sharded keys — also when records of the old store are delivered again after the upgrade and land in their shards.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class LegacyKeyTests(AzuriteFixture azurite)
{
    private static readonly GeneratorOptions _stream = new()
    {
        Calls = 6, ApiRequests = 400, Emails = 40, Minutes = 3 * 60, Seed = 20, Start = new DateTimeOffset(2026, 11, 22, 0, 0, 0, TimeSpan.Zero), Duplicates = 0.1, Malformed = 0.05, Updates = 0.5,
    };

    private static readonly (string Kind, string? View)[] _queries =
    [
        (QueryKinds.ApiRequests, ApiRequestsQuery.DetailView), (QueryKinds.ApiRequests, ApiRequestsQuery.OperationsView),
        (QueryKinds.Calls, null), (QueryKinds.CallVolume, null), (QueryKinds.CallQuality, null), (QueryKinds.Email, null),
        (QueryKinds.Usage, null), (QueryKinds.DeadLetters, null), (QueryKinds.Health, null),
    ];

    [Fact]
    public async Task StoreWrittenWithOldKeys_AndRedeliveredAfterTheUpgrade_RollsUpAndQueriesExactlyAsNewKeys()
    {
        var bodies = SyntheticStream.Create(_stream).Bodies().Select(b => b.ToEventBody()).ToList();
        await using var current = TestStorage.Create(azurite.ConnectionString);
        await using var legacy = TestStorage.Create(azurite.ConnectionString);
        await ReliabilityStream.IngestAsync(current, bodies);
        await ReliabilityStream.IngestAsync(legacy, bodies);
        var moved = await ToOldKeysAsync(legacy);
        Assert.True(moved[TableNames.Records] > 100 && moved[TableNames.DeadLetters] > 0 && moved[HealthStore.Table] > 0 && moved[TableNames.RollupPending] > 10, string.Join(", ", moved));

        // Re-delivery after the upgrade: the same records land in their shards next to their old rows.
        var again = bodies.Where((_, i) => i % 3 == 0).ToList();
        await ReliabilityStream.IngestAsync(current, again);
        await ReliabilityStream.IngestAsync(legacy, again);
        Assert.Contains(await legacy.AllAsync(TableNames.Records), r => KeyShards.HasSuffix(r.PartitionKey));
        Assert.Contains(await legacy.AllAsync(TableNames.Records), r => !KeyShards.HasSuffix(r.PartitionKey));

        var rolledCurrent = await RollupTestData.RollupAsync(current);
        var rolledLegacy = await RollupTestData.RollupAsync(legacy);
        Assert.Equal(0, rolledCurrent.Failed + rolledLegacy.Failed);
        Assert.Equal(rolledCurrent.Windows, rolledLegacy.Windows);
        Assert.Equal(rolledCurrent.Calls, rolledLegacy.Calls);
        Assert.Empty(await legacy.AllAsync(TableNames.RollupPending));

        var day = CoarseTiers.FloorDay(_stream.EffectiveStart);
        var compared = 0;
        foreach (var interval in new[] { "PT1M", "PT1H", "P1D" })
        {
            foreach (var (kind, view) in _queries)
            {
                var intervals = kind is QueryKinds.Calls or QueryKinds.DeadLetters or QueryKinds.Health ? null : interval;
                if (intervals is null && interval != "PT1M")
                {
                    continue; // kinds without an interval are compared once
                }

                var expected = await QueryAsync(current, kind, view, day, day.AddDays(2), intervals);
                var actual = await QueryAsync(legacy, kind, view, day, day.AddDays(2), intervals);
                Assert.True(expected.Rows.Count > 0, $"{kind}/{view} {interval}: no rows");
                Assert.True(Normalise(expected.Json) == Normalise(actual.Json), $"{kind}/{view} {interval}: the old-key store answers differently:\n{Clip(actual.Json)}\n---\n{Clip(expected.Json)}");
                compared += expected.Rows.Count;
            }
        }

        Assert.True(compared > 300, $"only {compared} rows compared");
    }

    [Fact]
    public void Shards_AreDeterministicFromTheRowKey_SpreadOverAllShards_AndKeepTheTimePrefix()
    {
        var time = new DateTimeOffset(2026, 12, 5, 18, 30, 12, TimeSpan.Zero);
        var keys = Enumerable.Range(0, 16_000).Select(i => RecordEntities.WindowPartitionKey(time, "RES~0011aabb", "ChatOperational", $"{i:x32}")).ToList();
        var counts = keys.GroupBy(k => k, StringComparer.Ordinal).Select(g => g.Count()).ToList();
        Assert.Equal(KeyShards.Count, counts.Count);
        Assert.All(counts, c => Assert.InRange(c, 850, 1150)); // 1,000 expected per shard
        Assert.All(keys, k => Assert.StartsWith("202612051830|RES~0011aabb|ChatOperational|s", k, StringComparison.Ordinal));
        Assert.All(keys, k => Assert.Equal("202612051830|RES~0011aabb|ChatOperational", RecordEntities.WindowBaseKey(k)));
        Assert.Equal(
            RecordEntities.WindowPartitionKey(time, "RES~0011aabb", "ChatOperational", "0123456789abcdef0123456789abcdef"),
            RecordEntities.WindowPartitionKey(time.AddSeconds(40), "RES~0011aabb", "ChatOperational", "0123456789abcdef0123456789abcdef"));
        Assert.Equal("202612051830|RES~0011aabb|ChatOperational", RecordEntities.WindowBaseKey("202612051830|RES~0011aabb|ChatOperational")); // an old key
        Assert.Equal(RollupMarks.WindowKind, RollupMarks.KindOf(RollupMarks.Create(RollupMarks.WindowKind, keys[0], "r", "c", time, time).PartitionKey));
        Assert.Equal(RecordEntities.WindowBaseKey(keys[0]), RollupMarks.Create(RollupMarks.WindowKind, keys[0], "r", "c", time, time).RowKey);
        Assert.Equal("callwindow", RollupMarks.Create("callwindow", "202612051830|r", "r", "Call", time, time).PartitionKey);
    }

    /// <summary>Moves every sharded row of the tables whose keys #20 changed to its bare key: the store as it was written before.</summary>
    private static async Task<Dictionary<string, int>> ToOldKeysAsync(TestStorage storage)
    {
        var moved = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var table in new[] { TableNames.Records, TableNames.DeadLetters, HealthStore.Table, TableNames.RollupPending })
        {
            var client = storage.Storage.GetTable(table);
            moved[table] = 0;
            foreach (var row in await storage.AllAsync(table))
            {
                Assert.True(KeyShards.HasSuffix(row.PartitionKey), $"{table}: {row.PartitionKey} has no shard");
                var old = new TableEntity(row) { PartitionKey = KeyShards.BaseOf(row.PartitionKey), ETag = default };
                old.Remove("Timestamp");
                old.Remove("odata.etag");
                await client.UpsertEntityAsync(old, TableUpdateMode.Replace);
                await client.DeleteEntityAsync(row.PartitionKey, row.RowKey);
                moved[table]++;
            }
        }

        return moved;
    }

    /// <summary>Dead-letter rows name their PartitionKey: compare its day.</summary>
    private static string Normalise(string json) => DeadLetterPartition().Replace(json, "\"partitionKey\": \"$1\"");

    [GeneratedRegex("\"partitionKey\":\\s*\"(\\d{8})[^\"]*\"")]
    private static partial Regex DeadLetterPartition();

    private static string Clip(string json) => json.Length > 1500 ? json[..1500] : json;

    private static Task<QueryResult> QueryAsync(TestStorage storage, string kind, string? view, DateTimeOffset from, DateTimeOffset to, string? interval) =>
        storage.Services.GetService(typeof(QueryService)) is QueryService service
            ? service.QueryAsync(kind, new Dictionary<string, string?>
            {
                ["from"] = from.ToString("O", CultureInfo.InvariantCulture),
                ["to"] = to.ToString("O", CultureInfo.InvariantCulture),
                ["interval"] = interval,
                ["view"] = view,
            })
            : throw new InvalidOperationException("no QueryService");
}
