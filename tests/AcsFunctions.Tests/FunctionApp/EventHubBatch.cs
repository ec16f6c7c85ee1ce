using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using static AcsFunctions.Tests.Rollups.RollupTestData;

namespace AcsFunctions.Tests.FunctionApp;

/// <summary>
/// A batch shaped as the Event Hubs extension delivers it to a batched, string-typed trigger in the isolated worker: the
/// bodies, the per-event arrays bound to the function's parameters, and the binding data (the same arrays and the
/// <c>PartitionContext</c>, as JSON text).
/// </summary>
internal sealed record EventHubBatch(string[] Bodies, DateTime[] EnqueuedTimeUtc, long[] SequenceNumbers, string[] Offsets, IReadOnlyDictionary<string, object?> BindingData)
{
    /// <summary>Two bodies of valid records (3 records) and one malformed body, on partition <paramref name="partition"/>.</summary>
    public static EventHubBatch WithOneMalformedBody(string partition = "3")
    {
        string[] bodies =
        [
            Records(Request(Start, 10), Request(Start.AddSeconds(5), 20)),
            Records(Request(Start.AddSeconds(9), 30)),
            "{ \"records\": [ { this is not json",
        ];
        return Of(partition, bodies, firstSequence: 500);
    }

    /// <summary><paramref name="bodies"/> as consecutive events from <paramref name="firstSequence"/>.</summary>
    public static EventHubBatch Of(string partition, string[] bodies, long firstSequence)
    {
        var enqueued = bodies.Select((_, i) => new DateTime(2026, 11, 20, 10, 1, i, DateTimeKind.Utc)).ToArray();
        var sequences = bodies.Select((_, i) => firstSequence + i).ToArray();
        var offsets = sequences.Select(s => (s * 1024).ToString(CultureInfo.InvariantCulture)).ToArray();
        var context = new JsonObject
        {
            ["FullyQualifiedNamespace"] = "acs-test.servicebus.windows.net",
            ["EventHubName"] = "acs-diagnostics",
            ["ConsumerGroup"] = "acs-functions",
            ["PartitionId"] = partition,
        };
        var bindingData = new Dictionary<string, object?>
        {
            ["PartitionContext"] = context.ToJsonString(),
            ["EnqueuedTimeUtcArray"] = JsonSerializer.Serialize(enqueued),
            ["SequenceNumberArray"] = JsonSerializer.Serialize(sequences),
            ["OffsetArray"] = JsonSerializer.Serialize(offsets),
            ["PartitionKeyArray"] = JsonSerializer.Serialize(bodies.Select(_ => (string?)null)),
            ["PropertiesArray"] = JsonSerializer.Serialize(bodies.Select(_ => new Dictionary<string, object>())),
            ["SystemPropertiesArray"] = JsonSerializer.Serialize(bodies.Select(_ => new Dictionary<string, object>())),
        };
        return new EventHubBatch(bodies, enqueued, sequences, offsets, bindingData);
    }

    private static string Records(params JsonObject[] records) => new JsonObject { ["records"] = new JsonArray([.. records]) }.ToJsonString();
}
