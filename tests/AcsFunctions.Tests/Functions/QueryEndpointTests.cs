using System.Collections.Specialized;
using System.Text.Json.Nodes;
using AcsFunctions.Functions;
using AcsFunctions.Queries;
using AcsFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static AcsFunctions.Tests.Rollups.RollupTestData;

namespace AcsFunctions.Tests.Functions;

/// <summary><c>GET /api/query/{kind}</c> and the roll-up timer's work, against Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class QueryEndpointTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task ScheduledRollupThenQuery_AnswersTheSameJsonAsTheCli()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var body = new JsonObject { ["records"] = new JsonArray([.. Enumerable.Range(0, 30).Select(i => Request(Start.AddSeconds(i * 7), 10 + i))]) }.ToJsonString();
        await storage.Services.GetRequiredService<EventHubBatchIngestor>().IngestAsync([body], null, null, null, null);

        var rollup = await storage.Services.GetRequiredService<ScheduledRollup>().RunAsync(pastDue: true);
        var answer = await Endpoint(storage).HandleAsync(QueryKinds.ApiRequests, Query(("from", "2026-11-20T10:00:00Z"), ("to", "2026-11-20T11:00:00Z")));
        var cli = await QueryAsync(storage, QueryKinds.ApiRequests, Start, Start.AddHours(1));

        Assert.True(rollup.Windows > 0);
        Assert.Equal(200, answer.StatusCode);
        Assert.Equal(QueryEndpoint.JsonContentType, answer.ContentType);
        Assert.Equal(JsonText.Compact(cli.Json), answer.Body); // the CLI's JSON, compact on the wire
        Assert.Equal(30, JsonNode.Parse(answer.Body)!.AsArray().Sum(r => r!["count"]!.GetValue<long>()));
        // Independently of the query code: request i is at i × 7 s with a duration of 10 + i ms, so minute m holds the
        // requests with ⌊7i / 60⌋ = m — their count, shortest and longest duration.
        var expected = Enumerable.Range(0, 30).GroupBy(i => i * 7 / 60)
            .Select(g => (Start.AddMinutes(g.Key), (long)g.Count(), 10.0 + g.Min(), 10.0 + g.Max())).ToList();
        var actual = JsonNode.Parse(answer.Body)!.AsArray()
            .Select(r => (r!["windowStart"]!.GetValue<DateTimeOffset>(), r["count"]!.GetValue<long>(), r["durationMsMin"]!.GetValue<double>(), r["durationMsMax"]!.GetValue<double>()))
            .OrderBy(r => r.Item1).ToList();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task FilterValueWithOdataSyntax_MatchesNothing()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([Body([Request(Start, 10), Request(Start.AddMinutes(1), 20)])]);
        await RollupAsync(storage);
        var endpoint = Endpoint(storage);

        var all = await endpoint.HandleAsync(QueryKinds.ApiRequests, Query(("from", "2026-11-20T10:00:00Z"), ("to", "2026-11-20T11:00:00Z")));
        var injected = await endpoint.HandleAsync(QueryKinds.ApiRequests, Query(("from", "2026-11-20T10:00:00Z"), ("to", "2026-11-20T11:00:00Z"), ("resource", "' or 1 eq 1 or '")));

        Assert.Equal(2, JsonNode.Parse(all.Body)!.AsArray().Count);
        Assert.Equal(200, injected.StatusCode);
        Assert.Equal("[]", injected.Body);
    }

    private static QueryEndpoint Endpoint(TestStorage storage) => storage.Services.GetRequiredService<QueryEndpoint>();

    private static NameValueCollection Query(params (string Key, string Value)[] values)
    {
        var query = new NameValueCollection();
        foreach (var (key, value) in values)
        {
            query.Add(key, value);
        }

        return query;
    }
}
