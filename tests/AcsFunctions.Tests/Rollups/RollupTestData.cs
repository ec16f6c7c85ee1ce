using System.Globalization;
using System.Text.Json.Nodes;
using AcsFunctions.Dispatch;
using AcsFunctions.Queries;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using AcsFunctions.Tests.Schemas;
using AcsFunctions.Tests.Schemas.ApiRequests;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Tests.Rollups;

/// <summary>Records in the documented shape, and helpers to roll up and query a test storage.</summary>
internal static class RollupTestData
{
    public static readonly DateTimeOffset Start = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);

    public static readonly string[] AggregateTables =
    [
        TableNames.AggApiRequests, TableNames.AggCalls, TableNames.AggCallIndex, TableNames.AggCallWindows, TableNames.AggStreamQuality,
        TableNames.AggEmailDelivery, TableNames.AggEmailEngagement, TableNames.AggUsage,
    ];

    /// <summary>One API request at <paramref name="time"/> (an AuthOperational request unless told).</summary>
    public static JsonObject Request(DateTimeOffset time, double durationMs, string status = "201", string operation = "CreateToken", string category = Categories.AuthOperational)
    {
        var record = ApiRequestHandlerTests.Request(category, operation, status, status.StartsWith('2') ? "Succeeded" : "Failed", durationMs.ToString("R", CultureInfo.InvariantCulture));
        record["time"] = time.ToString("O", CultureInfo.InvariantCulture);
        return record;
    }

    public static Task<RollupResult> RollupAsync(TestStorage storage) => storage.Services.GetRequiredService<RollupService>().RunAsync();

    public static Task<QueryResult> QueryAsync(TestStorage storage, string kind, DateTimeOffset from, DateTimeOffset to, string? interval = null) =>
        storage.Services.GetRequiredService<QueryService>().QueryAsync(kind, new Dictionary<string, string?>
        {
            ["from"] = from.ToString("O", CultureInfo.InvariantCulture),
            ["to"] = to.ToString("O", CultureInfo.InvariantCulture),
            ["interval"] = interval,
        });

    /// <summary>Every aggregate row, as sorted text (table, keys, properties; not Timestamp/ETag).</summary>
    public static Task<List<string>> AggregatesAsync(TestStorage storage) => TableSnapshot.TakeAsync(storage, AggregateTables);

    /// <summary>Durations from a seeded log-normal distribution (ms, median about 55).</summary>
    public static double[] Durations(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            return Math.Round(Math.Exp(4 + normal), 3);
        })];
    }

    public static Decoding.EventBody Body(IEnumerable<JsonObject> records) => StoredRecords.Body([.. records]);
}
