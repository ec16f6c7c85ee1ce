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
    public async Task ApiRequests_Views_SumTheDetailRowsPerOperation_StatusCode_AndStatusClass_WithTheFailurePercentage()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        const string otherResource = "/SUBSCRIPTIONS/11111111-2222-3333-4444-555555555555/RESOURCEGROUPS/RG-ACS/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS-OTHER";
        var durations = Durations(600, seed: 5);

        // Over 20 minutes: CreateToken on two resources with 201, 401 and 503 mixed in; GetToken only succeeds.
        var sent = Enumerable.Range(0, 600).Select(i =>
        {
            var time = Start.AddSeconds(i * 2);
            var (operation, status) = (i % 4) switch
            {
                0 => ("GetToken", "200"),
                _ => ("CreateToken", i % 7 == 0 ? "503" : i % 5 == 0 ? "401" : "201"),
            };
            var record = Request(time, durations[i], status, operation);
            record["correlationId"] = $"corr-{i}";
            if (i % 3 == 0)
            {
                record["resourceId"] = otherResource;
            }

            return (Time: time, Operation: operation, Failed: !status.StartsWith('2'), Duration: durations[i], Record: record);
        }).ToList();
        await storage.Pipeline.IngestAsync([Body(sent.Select(s => s.Record))]);
        await RollupAsync(storage);

        var query = storage.Services.GetRequiredService<QueryService>();
        var values = Range(Start, Start.AddHours(1), "PT5M");
        values["view"] = "operations";
        var result = await query.QueryAsync(QueryKinds.ApiRequests, values);
        var rows = result.Rows.Cast<ApiRequestOperationRow>().ToList();

        // One row per (window, operation), whatever the resources and status codes behind it.
        var expected = sent.GroupBy(s => (Window: QueryInterval.FiveMinutes.Floor(s.Time), s.Operation)).OrderBy(g => g.Key.Window).ThenBy(g => g.Key.Operation, StringComparer.Ordinal).ToList();
        Assert.Equal(expected.Select(g => (g.Key.Window, g.Key.Operation)), rows.Select(r => (r.WindowStart, r.Operation)));
        foreach (var (group, row) in expected.Zip(rows))
        {
            var failed = group.Count(s => s.Failed);
            Assert.Equal(group.Count(), row.Count);
            Assert.Equal(failed, row.Failed);
            Assert.Equal(Math.Round(100.0 * failed / group.Count(), 2, MidpointRounding.AwayFromZero), row.FailedPercent);
            var ordered = group.Select(s => s.Duration).Order().ToArray();
            var exactP95 = ordered[(int)Math.Ceiling(0.95 * ordered.Length) - 1];
            Assert.InRange(row.DurationMsP95!.Value, exactP95 * 0.98, exactP95 * 1.02);
            Assert.Equal(ordered[^1], row.DurationMsMax);
        }

        Assert.Contains(rows, r => r.Operation == "CreateToken" && r.FailedPercent is > 0 and < 100);
        Assert.All(rows.Where(r => r.Operation == "GetToken"), r => Assert.Equal(0, r.FailedPercent));
        using var doc = JsonDocument.Parse(result.Json);
        Assert.All(doc.RootElement.EnumerateArray(), r => Assert.Equal(JsonValueKind.Number, r.GetProperty("failedPercent").ValueKind));

        Assert.All(rows, r => Assert.Equal("Auth/" + r.Operation, r.Label));

        // The default view still answers per resource and status code; the status views sum it per code and per class.
        var detail = (await QueryAsync(storage, QueryKinds.ApiRequests, Start, Start.AddHours(1), "PT5M")).Rows.Cast<ApiRequestRow>().ToList();
        Assert.Equal(sent.Count, detail.Sum(r => r.Count));
        Assert.Equal(2, detail.Select(r => r.ResourceId).Distinct().Count());
        values["view"] = "status-codes";
        var codes = (await query.QueryAsync(QueryKinds.ApiRequests, values)).Rows.Cast<ApiRequestStatusCodeRow>().ToList();
        Assert.Equal(
            detail.GroupBy(r => (r.WindowStart, r.StatusCode, r.StatusClass)).Select(g => (g.Key.WindowStart, g.Key.StatusCode, g.Key.StatusClass, g.Sum(r => r.Count), g.Sum(r => r.Failed))).Order(),
            codes.Select(r => (r.WindowStart, r.StatusCode, r.StatusClass, r.Count, r.Failed)).Order());
        values["view"] = "status-classes";
        var classes = (await query.QueryAsync(QueryKinds.ApiRequests, values)).Rows.Cast<ApiRequestStatusClassRow>().ToList();
        Assert.Equal(
            detail.GroupBy(r => (r.WindowStart, r.StatusClass)).Select(g => (g.Key.WindowStart, g.Key.StatusClass, g.Sum(r => r.Count), g.Sum(r => r.Failed))).Order(),
            classes.Select(r => (r.WindowStart, r.StatusClass, r.Count, r.Failed)).Order());
        Assert.Contains(classes, r => r.StatusClass == "5xx" && r.Count > 0);
        Assert.Contains(classes, r => r.StatusClass == "4xx" && r.Count > 0);
    }

    [Theory]
    [InlineData(0, 0, null)]
    [InlineData(0, 7, 0.0)]
    [InlineData(7, 7, 100.0)]
    [InlineData(1, 3, 33.33)]
    [InlineData(2, 3, 66.67)]
    public void FailedPercent_IsNullWithoutRequests_ElseTheRoundedPercentage(long failed, long count, double? expected) =>
        Assert.Equal(expected, ApiRequestOperationRow.Percent(failed, count));

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
