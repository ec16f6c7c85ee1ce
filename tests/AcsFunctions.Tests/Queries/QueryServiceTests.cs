using System.Text.Json;
using AcsFunctions.Queries;
using AcsFunctions.Rollups;
using AcsFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static AcsFunctions.Tests.Rollups.RollupTestData;

namespace AcsFunctions.Tests.Queries;

/// <summary>Queries over rolled-up aggregates in Azurite: interval merging and the JSON contract.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class QueryServiceTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task ApiRequests_PT1H_EqualsMergeOfPT1MRows_AndPercentilesWithinTwoPercent()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        const int minutes = 90, perMinute = 12;
        var durations = Durations(minutes * perMinute, seed: 11);
        var records = Enumerable.Range(0, minutes * perMinute)
            .Select(i => Request(Start.AddMinutes(i / perMinute).AddSeconds(i % perMinute * 4), durations[i], status: i % 10 == 0 ? "500" : "201"));
        await storage.Pipeline.IngestAsync([Body(records)]);
        await RollupAsync(storage);

        var query = storage.Services.GetRequiredService<QueryService>();
        var minuteAggregates = await query.Kind<ApiRequestsQuery>(QueryKinds.ApiRequests)
            .AggregatesAsync(query.Parse(QueryKinds.ApiRequests, Range(Start, Start.AddHours(2), "PT1M")));
        var hourly = (await QueryAsync(storage, QueryKinds.ApiRequests, Start, Start.AddHours(2), "PT1H")).Rows.Cast<ApiRequestRow>().ToList();

        var expected = minuteAggregates
            .GroupBy(a => (Hour: QueryInterval.OneHour.Floor(a.WindowStart), a.StatusCode))
            .Select(g =>
            {
                var merged = new ApiRequestAggregate { WindowStart = g.Key.Hour, Resource = g.First().Resource, Category = g.First().Category, Operation = g.First().Operation, StatusCode = g.Key.StatusCode, StatusClass = g.First().StatusClass };
                foreach (var a in g)
                {
                    merged.Merge(a);
                }

                return ApiRequestRow.From(merged);
            })
            .OrderBy(r => r.WindowStart).ThenBy(r => r.StatusCode, StringComparer.Ordinal)
            .ToList();
        Assert.Equal(minutes * 2, minuteAggregates.Count);
        Assert.Equal(expected, hourly);
        Assert.Equal(minutes * perMinute, hourly.Sum(r => r.Count));

        var firstHourOk = durations.Take(60 * perMinute).Where((_, i) => i % 10 != 0).Order().ToArray();
        var row = hourly.Single(r => r.WindowStart == Start && r.StatusCode == "201");
        Assert.Equal(firstHourOk.Length, row.Count);
        Assert.Equal(firstHourOk[0], row.DurationMsMin);
        Assert.Equal(firstHourOk[^1], row.DurationMsMax);
        foreach (var (q, value) in new[] { (0.50, row.DurationMsP50), (0.95, row.DurationMsP95), (0.99, row.DurationMsP99) })
        {
            var exact = firstHourOk[(int)Math.Ceiling(q * firstHourOk.Length) - 1];
            Assert.InRange(value!.Value, exact * 0.98, exact * 1.02);
        }
    }

    [Fact]
    public async Task Json_FieldNamesAreTheDocumentedContract()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([Samples.Body("api-requests.json"), Samples.Body("group-call.json")]);
        await RollupAsync(storage);
        var from = new DateTimeOffset(2021, 7, 1, 0, 0, 0, TimeSpan.Zero);

        var api = await QueryAsync(storage, QueryKinds.ApiRequests, new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), new(2024, 1, 31, 0, 0, 0, TimeSpan.Zero), "P1D");
        var calls = await QueryAsync(storage, QueryKinds.Calls, from, from.AddDays(30));
        var quality = await QueryAsync(storage, QueryKinds.CallQuality, from, from.AddDays(30), "PT1H");

        AssertFields(api.Json, "windowStart", "resourceId", "category", "operation", "statusCode", "statusClass", "count", "failed",
            "durationMsMin", "durationMsAvg", "durationMsP50", "durationMsP95", "durationMsP99", "durationMsMax");
        AssertFields(calls.Json, "correlationId", "resourceId", "callType", "callStartTime", "durationSeconds", "participants", "streams",
            "poorStreams", "quality", "droppedParticipants");
        AssertFields(quality.Json, "windowStart", "resourceId", "mediaType", "direction", "streams", "poorStreams", "poorReasons");
        using var doc = JsonDocument.Parse(api.Json);
        var first = doc.RootElement[0];
        Assert.Equal(JsonValueKind.String, first.GetProperty("statusCode").ValueKind);
        Assert.EndsWith("Z", first.GetProperty("windowStart").GetString(), StringComparison.Ordinal);
        using var q = JsonDocument.Parse(quality.Json);
        Assert.Equal(JsonValueKind.Object, q.RootElement[0].GetProperty("poorReasons").ValueKind);
    }

    [Theory]
    [InlineData("api-requests", "to", "2021-07-05T00:00:00Z", "2021-07-04T00:00:00Z", null)]
    [InlineData("api-requests", "interval", "2021-07-05T00:00:00Z", "2021-07-06T00:00:00Z", "PT2M")]
    [InlineData("nope", "kind", "2021-07-05T00:00:00Z", "2021-07-06T00:00:00Z", null)]
    [InlineData("api-requests", "from", "yesterday-ish", "2021-07-06T00:00:00Z", null)]
    public async Task Parse_InvalidParameters_NameTheParameter(string kind, string parameter, string from, string to, string? interval)
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var query = storage.Services.GetRequiredService<QueryService>();

        var error = Assert.Throws<QueryParameterException>(() => query.Parse(kind, new Dictionary<string, string?> { ["from"] = from, ["to"] = to, ["interval"] = interval }));

        Assert.Equal(parameter, error.ParamName);
    }

    private static Dictionary<string, string?> Range(DateTimeOffset from, DateTimeOffset to, string interval) => new()
    {
        ["from"] = from.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        ["to"] = to.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        ["interval"] = interval,
    };

    private static void AssertFields(string json, params string[] fields)
    {
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(JsonValueKind.Array, doc.RootElement.ValueKind);
        Assert.NotEqual(0, doc.RootElement.GetArrayLength());
        foreach (var row in doc.RootElement.EnumerateArray())
        {
            var names = row.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            Assert.All(fields, f => Assert.Contains(f, names));
        }
    }
}
