using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using AcsFunctions.Decoding;
using AcsFunctions.Dispatch;
using AcsFunctions.Health;
using AcsFunctions.Queries;
using AcsFunctions.Tests.Infrastructure;
using AcsFunctions.Tests.Rollups;
using AcsFunctions.Tests.Schemas;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Tests.Health;

/// <summary>
/// A known mix on two Event Hubs partitions, ingested at the test clock's <see cref="Now"/>: typed records of two
/// categories, an unclassified one, and dead letters of three reasons, with enqueued and event times whose lags are
/// known exactly.
/// </summary>
internal static class HealthTestData
{
    /// <summary>The test clock's start (<see cref="TestStorage"/>): every unit is ingested at this time.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    public const string Unknown = "BrandNewCategory";

    /// <summary>
    /// Partition 0: body A (enqueued now−10 s) 3 chat records 60/120/180 s before enqueueing and 1 unclassified 30 s
    /// before; body B (now−20 s) 2 auth records 5 s before, a chat record without time, a record without category;
    /// body C (now−30 s) invalid JSON. Partition 1: body D (now−40 s) 2 chat records 240 s before.
    /// </summary>
    public static List<EventBody> Mix(long sequence = 0)
    {
        var a = Now.AddSeconds(-10);
        var b = Now.AddSeconds(-20);
        var c = Now.AddSeconds(-30);
        var d = Now.AddSeconds(-40);
        return
        [
            Body("0", sequence + 1, a, Chat(a.AddSeconds(-60), 1), Chat(a.AddSeconds(-120), 2), Chat(a.AddSeconds(-180), 3), Unclassified(a.AddSeconds(-30))),
            Body("0", sequence + 2, b, RollupTestData.Request(b.AddSeconds(-5), 10), RollupTestData.Request(b.AddSeconds(-5), 20), WithoutTime(), WithoutCategory()),
            new EventBody(Encoding.UTF8.GetBytes("{ \"records\": [ truncated"), Lineage("0", sequence + 3, c)),
            Body("1", sequence + 1, d, Chat(d.AddSeconds(-240), 4), Chat(d.AddSeconds(-240), 5)),
        ];
    }

    public static EventBody Body(string partition, long sequence, DateTimeOffset enqueued, params JsonObject[] records) =>
        new(Encoding.UTF8.GetBytes(new JsonObject { ["records"] = new JsonArray([.. records]) }.ToJsonString()), Lineage(partition, sequence, enqueued));

    public static Lineage Lineage(string partition, long sequence, DateTimeOffset enqueued) =>
        new() { PartitionId = partition, SequenceNumber = sequence, Offset = sequence.ToString(CultureInfo.InvariantCulture), EnqueuedTime = enqueued };

    public static JsonObject Chat(DateTimeOffset time, int n) =>
        RollupTestData.Request(time, 10 + n, operation: "CreateChatThread", category: Categories.ChatOperational);

    private static JsonObject Unclassified(DateTimeOffset time)
    {
        var record = StoredRecords.Record(Unknown, "Something", new { Value = 1 });
        record["time"] = time.ToString("O", CultureInfo.InvariantCulture);
        return record;
    }

    private static JsonObject WithoutTime()
    {
        var record = Chat(Now, 9);
        record.Remove("time");
        return record;
    }

    private static JsonObject WithoutCategory()
    {
        var record = Chat(Now, 8);
        record.Remove("category");
        return record;
    }

    public static async Task<List<HealthRow>> QueryAsync(TestStorage storage, DateTimeOffset from, DateTimeOffset to, string? category = null)
    {
        var result = await storage.Services.GetRequiredService<QueryService>().QueryAsync(QueryKinds.Health, new Dictionary<string, string?>
        {
            ["from"] = from.ToString("O", CultureInfo.InvariantCulture),
            ["to"] = to.ToString("O", CultureInfo.InvariantCulture),
            ["category"] = category,
        });
        return [.. result.Rows.Cast<HealthRow>()];
    }

    /// <summary>Within the histogram's 1 % relative accuracy of the exact nearest-rank value.</summary>
    public static void Near(double expected, double? actual)
    {
        Assert.NotNull(actual);
        Assert.InRange(actual.Value, expected * 0.99, expected * 1.01);
    }
}
