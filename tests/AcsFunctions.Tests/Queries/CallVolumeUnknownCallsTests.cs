using System.Globalization;
using System.Text.Json.Nodes;
using AcsFunctions.Queries;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using AcsFunctions.Tests.Schemas;
using AcsFunctions.Tests.Schemas.Calls;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Tests.Queries;

/// <summary>
/// <c>call-volume</c> counts the calls graded <c>Unknown</c> (no stream, or no summary) beside the poor ones, at every
/// interval and in both views, so that calls − poor − unknown are the calls graded Good; a window merging a row rolled up
/// before the count existed says it does not know (null), not 0.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class CallVolumeUnknownCallsTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset _minute = new(2026, 11, 20, 10, 15, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset _later = new(2026, 11, 20, 11, 40, 0, TimeSpan.Zero);

    // What each call is graded, from what it is made of (see docs/rollups.md, kind calls).
    private static readonly (string Id, DateTimeOffset Start, bool Summary, double? Rtt, string Quality)[] _calls =
    [
        ("c-good", _minute.AddSeconds(5), true, 40, CallAggregate.Good),
        ("c-poor", _minute.AddSeconds(10), true, 900, CallAggregate.Poor),
        ("c-no-streams", _minute.AddSeconds(20), true, null, CallAggregate.Unknown),
        ("c-no-summary", _minute.AddSeconds(30), false, 35, CallAggregate.Unknown),
        ("c-later-no-streams", _later.AddSeconds(1), true, null, CallAggregate.Unknown),
    ];

    [Theory]
    [InlineData("PT1M", null)]
    [InlineData("PT1M", CallVolumeQuery.TotalsView)]
    [InlineData("PT1H", null)]
    [InlineData("P1D", null)]
    [InlineData("P1D", CallVolumeQuery.TotalsView)]
    public async Task Unknown_calls_are_counted_in_their_window_at_every_interval(string interval, string? view)
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await IngestAndRollUpAsync(storage);

        var rows = await QueryAsync(storage, interval, view);

        var expected = _calls
            .GroupBy(c => QueryInterval.TryParse(interval, out var i) ? i.Floor(c.Start) : c.Start)
            .OrderBy(g => g.Key)
            .Select(g => (g.Key, (long)g.Count(), (long)g.Count(c => c.Quality == CallAggregate.Poor), (long?)g.Count(c => c.Quality == CallAggregate.Unknown)));
        Assert.Equal(expected, rows);
    }

    [Fact]
    public async Task A_window_merging_a_row_rolled_up_before_the_count_existed_has_no_unknown_count()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await IngestAndRollUpAsync(storage);

        // The minute row of 10:15 as a roll-up before this column wrote it.
        var table = storage.Table(TableNames.AggCallWindows);
        var row = Assert.Single(await storage.AllAsync(TableNames.AggCallWindows), e => e.PartitionKey == AcsFunctions.Storage.Windows.Key(_minute));
        Assert.True(row.Remove("UnknownCalls"));
        await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);

        var rows = await QueryAsync(storage, "PT1M", null);

        Assert.Equal([(_minute, 4L, 1L, (long?)null), (_later, 1L, 0L, (long?)1)], rows);
    }

    private static async Task IngestAndRollUpAsync(TestStorage storage)
    {
        var records = new List<JsonObject>();
        foreach (var (id, start, summary, rtt, _) in _calls)
        {
            var time = start.AddMinutes(40).ToString("O", CultureInfo.InvariantCulture);
            if (summary)
            {
                records.Add(StoredRecords.Record("CallSummary", "CallSummary", new Dictionary<string, object>
                {
                    ["participantId"] = "p-1",
                    ["endpointId"] = "e-p-1",
                    ["endpointType"] = "VoIP",
                    ["callType"] = "Group",
                    ["callStartTime"] = start.ToString("O", CultureInfo.InvariantCulture),
                    ["participantStartTime"] = start.ToString("O", CultureInfo.InvariantCulture),
                    ["callDuration"] = 60,
                    ["participantDuration"] = 60,
                    ["participantEndReason"] = "0",
                }, id, time));
            }

            if (rtt is { } roundTrip)
            {
                var stream = CallDiagnosticsHandlerTests.Stream(id, "Audio", new JsonObject { ["roundTripTimeAvg"] = roundTrip, ["jitterAvg"] = 2, ["packetLossRateAvg"] = 0.0 });
                // A call without a summary starts at its records' time.
                stream["time"] = summary ? time : start.ToString("O", CultureInfo.InvariantCulture);
                records.Add(stream);
            }
        }

        await storage.Pipeline.IngestAsync([StoredRecords.Body([.. records])]);
        await storage.Services.GetRequiredService<RollupService>().RunAsync();
    }

    private static async Task<List<(DateTimeOffset Window, long Calls, long Poor, long? Unknown)>> QueryAsync(TestStorage storage, string interval, string? view)
    {
        var result = await storage.Services.GetRequiredService<QueryService>().QueryAsync(QueryKinds.CallVolume, new Dictionary<string, string?>
        {
            ["from"] = "2026-11-20T00:00:00Z", ["to"] = "2026-11-21T00:00:00Z", ["interval"] = interval, ["view"] = view,
        });
        return view == CallVolumeQuery.TotalsView
            ? [.. result.Rows.Cast<CallVolumeTotalRow>().Select(r => (r.WindowStart, r.Calls, r.PoorCalls, r.UnknownCalls))]
            : [.. result.Rows.Cast<CallVolumeRow>().Select(r => (r.WindowStart, r.Calls, r.PoorCalls, r.UnknownCalls))];
    }
}
