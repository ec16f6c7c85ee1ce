using AcsFunctions.Dispatch;
using AcsFunctions.Queries;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using AcsFunctions.Tests.Schemas;
using AcsFunctions.Tests.Schemas.Calls;
using Microsoft.Extensions.DependencyInjection;
using static AcsFunctions.Tests.Rollups.RollupTestData;

namespace AcsFunctions.Tests.Rollups;

/// <summary>The roll-up against Azurite: exact under re-delivery, late data, version order and concurrent runs; cost per change.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RollupServiceTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset _seedFrom = new(2021, 7, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset _seedTo = new(2021, 7, 31, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Seeds_GroupAndP2PCalls_RollUpToParticipantsStreamsAndQuality()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([Samples.Body("group-call.json"), Samples.Body("p2p-call.json")]);

        var run = await RollupAsync(storage);
        var calls = (await QueryAsync(storage, QueryKinds.Calls, _seedFrom, _seedTo)).Rows.Cast<CallRow>().ToDictionary(c => c.CorrelationId);

        Assert.Equal(0, run.Failed);
        Assert.Equal(2, run.Calls);
        var group = calls["341acde7-8aa5-445b-a3da-2ddadca47d22"];
        Assert.Equal("Group", group.CallType);
        Assert.Equal(3, group.Participants);
        Assert.Equal(4, group.Streams);
        Assert.Equal(CallAggregate.Good, group.Quality);
        Assert.Equal(87, group.DurationSeconds);
        Assert.Equal(new DateTimeOffset(2021, 7, 5, 6, 16, 40, 240, TimeSpan.Zero), group.CallStartTime);
        var p2p = calls["8d1a8374-344d-4502-b54b-ba2d6daaf0ae"];
        Assert.Equal("P2P", p2p.CallType);
        Assert.Equal(2, p2p.Participants);
        Assert.Equal(2, p2p.EndpointsByType.Values.Sum());
        Assert.Equal(3, p2p.Streams);
        Assert.Empty(await storage.AllAsync(TableNames.RollupPending));
    }

    [Fact]
    public async Task IngestedTwice_SameAggregatesAsOnce()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var bodies = new[] { Samples.Body("api-requests.json"), Samples.Body("group-call.json"), Samples.Body("email.json"), Samples.Body("usage.json") };

        await storage.Pipeline.IngestAsync(bodies);
        await RollupAsync(storage);
        var once = await AggregatesAsync(storage);
        await storage.Pipeline.IngestAsync(bodies);
        var again = await RollupAsync(storage);
        var twice = await AggregatesAsync(storage);

        Assert.True(again.Processed > 0, "re-delivery re-marks the windows, so they are recomputed");
        Assert.Equal(once, twice);
        Assert.Contains(once, r => r.StartsWith(TableNames.AggApiRequests + "|", StringComparison.Ordinal));
        Assert.Contains(once, r => r.StartsWith(TableNames.AggEmailDelivery + "|", StringComparison.Ordinal));
        Assert.Contains(once, r => r.StartsWith(TableNames.AggUsage + "|", StringComparison.Ordinal));
        Assert.Contains(once, r => r.StartsWith(TableNames.AggStreamQuality + "|", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LateRecord_ForRolledUpWindow_IncludedByNextRollup()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var window = Start.AddMinutes(7);
        await storage.Pipeline.IngestAsync([Body([Request(window.AddSeconds(5), 40), Request(window.AddSeconds(9), 60)])]);
        await RollupAsync(storage);
        var before = Assert.Single((await QueryAsync(storage, QueryKinds.ApiRequests, window, window.AddMinutes(1))).Rows.Cast<ApiRequestRow>());

        await storage.Pipeline.IngestAsync([Body([Request(window.AddSeconds(58), 500)])]);
        var beforeRollup = Assert.Single((await QueryAsync(storage, QueryKinds.ApiRequests, window, window.AddMinutes(1))).Rows.Cast<ApiRequestRow>());
        var run = await RollupAsync(storage);
        var after = Assert.Single((await QueryAsync(storage, QueryKinds.ApiRequests, window, window.AddMinutes(1))).Rows.Cast<ApiRequestRow>());

        Assert.Equal(2, before.Count);
        Assert.Equal(2, beforeRollup.Count);
        Assert.Equal(1, run.Windows);
        Assert.Equal(3, after.Count);
        Assert.Equal(40, after.DurationMsMin);
        Assert.Equal(500, after.DurationMsMax);
        Assert.Equal(200, after.DurationMsAvg);
    }

    [Fact]
    public async Task CallSummaryUpdates_Version2BeforeVersion1_LeavesVersion2Values()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var from = new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

        await storage.Pipeline.IngestAsync([StoredRecords.Body(Update(2, duration: 300, endpointType: "PSTN"))]);
        await RollupAsync(storage);
        await storage.Pipeline.IngestAsync([StoredRecords.Body(Update(1, duration: 120, endpointType: "VoIP"))]);
        var run = await RollupAsync(storage);
        var call = Assert.Single((await QueryAsync(storage, QueryKinds.Calls, from, from.AddDays(1))).Rows.Cast<CallRow>());

        Assert.Equal(1, run.Calls);
        Assert.Equal(300, call.DurationSeconds);
        Assert.Equal(2, call.Version);
        Assert.Equal(new Dictionary<string, int> { ["PSTN"] = 1 }, call.EndpointsByType);
        Assert.Equal(1, call.Participants);
    }

    [Fact]
    public async Task Rollup_OneWindowChangedAmongMany_ReadsOnlyThatWindowsRows()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        const int windows = 40, perWindow = 5;
        var records = Enumerable.Range(0, windows).SelectMany(w => Enumerable.Range(0, perWindow).Select(i => Request(Start.AddMinutes(w).AddSeconds(i), 10 + i)));
        await storage.Pipeline.IngestAsync([Body(records)]);
        var first = await RollupAsync(storage);

        await storage.Pipeline.IngestAsync([Body([Request(Start.AddMinutes(17).AddSeconds(30), 99)])]);
        var second = await RollupAsync(storage);

        Assert.Equal(windows, first.Windows);
        Assert.Equal(windows * perWindow, first.RecordRowsRead);
        Assert.Equal(1, second.Windows);
        Assert.Equal(perWindow + 1, second.RecordRowsRead);
        // The window's own aggregate keys (1), then its hour rebuilt from that hour's minute rows (one per window here)
        // plus the hour's row, and the day from its hour row plus the day's row (issue 17: hourly and daily rows), plus
        // the keys of the day's two pages it replaces (one chunk each here).
        Assert.True(second.AggregateRowsRead <= 1 + windows + 3 + 2, $"read {second.AggregateRowsRead} aggregate rows");
        Assert.Equal(0, (await RollupAsync(storage)).RowsRead);
    }

    [Fact]
    public async Task Rollup_TwiceOrConcurrently_ChangesNothing()
    {
        var bodies = new[] { Samples.Body("api-requests.json"), Samples.Body("group-call.json"), Samples.Body("p2p-call.json") };
        await using var reference = TestStorage.Create(azurite.ConnectionString);
        await reference.Pipeline.IngestAsync(bodies);
        await RollupAsync(reference);
        var expected = await AggregatesAsync(reference);

        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await using var other = TestStorage.Create(azurite.ConnectionString, new Dictionary<string, string?> { ["AcsFunctions:Storage:TablePrefix"] = storage.Prefix });
        await storage.Pipeline.IngestAsync(bodies);
        var runs = await Task.WhenAll(RollupAsync(storage), RollupAsync(other));
        var last = await RollupAsync(storage);
        var again = await RollupAsync(other);

        Assert.All(runs, r => Assert.Equal(0, r.Failed));
        Assert.Equal(expected, await AggregatesAsync(storage));
        Assert.Equal(0, again.Processed);
        Assert.Equal(0, last.Failed);
        Assert.Empty(await storage.AllAsync(TableNames.RollupPending));
    }

    /// <summary>
    /// The race that marking an hour only before its minutes change left open (seen as a rare failure of the
    /// concurrent test above): roll-up B marks the hour, then roll-up A claims that mark, reads the hour's minutes —
    /// still without B's — writes the hour and completes its mark, and only then does B write the minutes. Driven
    /// exactly with a hook on B's requests: A runs between B's hour mark and B's first write after it. B marks the hour
    /// again after its writes, so the hour (and its day) is recomputed with the new minute.
    /// </summary>
    [Fact]
    public async Task HourClaimedBetweenAWindowsHourMarkAndItsWrite_IsRecomputedWithTheNewMinute()
    {
        static System.Text.Json.Nodes.JsonObject Late() => Request(Start.AddMinutes(7).AddSeconds(30), 77);
        static List<System.Text.Json.Nodes.JsonObject> Records() => [.. Enumerable.Range(0, 10).Select(i => Request(Start.AddMinutes(i), 10 + i))];
        await using var reference = TestStorage.Create(azurite.ConnectionString);
        await reference.Pipeline.IngestAsync([Body(Records())]);
        await reference.Pipeline.IngestAsync([Body([Late()])]);
        await RollupAsync(reference);
        var expected = await AggregatesAsync(reference);

        await using var storage = StorageFaults.Create(azurite.ConnectionString, out var faults);
        await using var other = TestStorage.Create(azurite.ConnectionString, new Dictionary<string, string?> { ["AcsFunctions:Storage:TablePrefix"] = storage.Prefix });
        await storage.Pipeline.IngestAsync([Body(Records())]);
        await RollupAsync(storage);
        await storage.Pipeline.IngestAsync([Body([Late()])]);

        var pending = storage.Storage.PhysicalName(TableNames.RollupPending);
        var (hourMarked, interleaved) = (0, 0);
        faults.AfterSend = (request, _) =>
        {
            if (request.Method == HttpMethod.Put && request.RequestUri!.AbsolutePath.Contains(pending, StringComparison.Ordinal) &&
                Uri.UnescapeDataString(request.RequestUri.AbsolutePath).Contains($"PartitionKey='{RollupMarkKinds.Hour}", StringComparison.Ordinal))
            {
                Interlocked.CompareExchange(ref hourMarked, 1, 0);
            }
        };
        faults.BeforeSend = async request =>
        {
            if (Volatile.Read(ref hourMarked) == 1 && Interlocked.Exchange(ref interleaved, 1) == 0)
            {
                var a = await RollupAsync(other); // A: claims the hour B just marked and reads its minutes before B writes them
                Assert.True(a.Processed > 0, "A recomputed the hour between B's mark and B's write");
            }
        };
        var b = await RollupAsync(storage);
        faults.BeforeSend = null;
        faults.AfterSend = null;
        while ((await RollupAsync(storage)).Processed > 0)
        {
            // Drain what the interleaving left pending (the hour B marked again after its write, then its day).
        }

        Assert.Equal(1, interleaved);
        Assert.Equal(0, b.Failed);
        Assert.Equal(expected, await AggregatesAsync(storage));
        Assert.Empty(await storage.AllAsync(TableNames.RollupPending));
    }

    [Fact]
    public async Task CallStartMoves_OldWindowRowRemovedAndBothWindowsRecomputed()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var from = new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

        await storage.Pipeline.IngestAsync([StoredRecords.Body(Update(1, duration: 60, endpointType: "VoIP", start: "2026-11-20T09:00:00Z"))]);
        await RollupAsync(storage);
        await storage.Pipeline.IngestAsync([StoredRecords.Body(Update(2, duration: 60, endpointType: "VoIP", start: "2026-11-20T09:05:00Z"))]);
        await RollupAsync(storage);

        var call = Assert.Single((await QueryAsync(storage, QueryKinds.Calls, from, from.AddDays(1))).Rows.Cast<CallRow>());
        var volume = (await QueryAsync(storage, QueryKinds.CallVolume, from, from.AddDays(1))).Rows.Cast<CallVolumeRow>().ToList();
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 9, 5, 0, TimeSpan.Zero), call.CallStartTime);
        var row = Assert.Single(volume);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 9, 5, 0, TimeSpan.Zero), row.WindowStart);
        Assert.Equal(1, row.Calls);
    }

    /// <summary>
    /// A callStartTime past the accepted event times placed the call in 9999-12-31T23:59, whose hour and day no roll-up
    /// could recompute (failing every run) and no query reached. It is kept as CallStartTimeRaw, like an unreadable one,
    /// and the call is placed as without a start time: at its record time, estimated.
    /// </summary>
    [Fact]
    public async Task CallStartTimeOutsideTheEventTimes_KeptRaw_CallPlacedAsWithoutOne_RollupConverges()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var from = new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
        var summary = CallSummaryHandlerTests.Summary("c-start-out-of-range", new
        {
            participantId = "leg-1",
            endpointType = "VoIP",
            callType = "P2P",
            callStartTime = "9999-12-31T23:59:30Z",
            callDuration = 6,
            participantEndReason = "0",
        });

        await storage.Pipeline.IngestAsync([StoredRecords.Body(summary)]);
        var first = await RollupAsync(storage);
        var second = await RollupAsync(storage);

        var stored = await StoredRecords.SingleAsync(storage, Categories.CallSummary);
        Assert.False(stored.ContainsKey("CallStartTime"));
        Assert.Equal("9999-12-31T23:59:30Z", stored.GetString("CallStartTimeRaw"));
        Assert.Equal(0, first.Failed + first.OutOfRange);
        Assert.Equal(0, second.Failed + second.Processed);
        var call = Assert.Single((await QueryAsync(storage, QueryKinds.Calls, from, from.AddDays(1))).Rows.Cast<CallRow>());
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 10, 15, 30, TimeSpan.Zero), call.CallStartTime);
        Assert.True(call.CallStartEstimated);
        Assert.Equal(1, Assert.Single((await QueryAsync(storage, QueryKinds.CallVolume, from, from.AddDays(1))).Rows.Cast<CallVolumeRow>()).Calls);
        Assert.Empty(await storage.AllAsync(TableNames.RollupPending));
    }

    /// <summary>
    /// Marks left by a call placed past the accepted event times before ingest checked its start (a call-window mark of
    /// 9999-12-31T23:59, as the call roll-up writes it; it marks that hour of two tables, and the hours their day): the
    /// hour and day cannot be recomputed, so they are dropped once with an error and counted, not failed run after run.
    /// </summary>
    [Fact]
    public async Task MarksOutsideTheEventTimes_DroppedOnceAndCounted_NotFailedEveryRun()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var marks = storage.Services.GetRequiredService<MarkStore>();
        var window = new DateTimeOffset(9999, 12, 31, 23, 59, 0, TimeSpan.Zero);
        const string resourceKey = "ACS-OUT-OF-RANGE";
        await marks.MarkAsync(RollupMarkKinds.CallWindow, KeyEncoder.Join(AcsFunctions.Storage.Windows.Key(window), resourceKey), resourceKey, "Call", window, CancellationToken.None);
        var day = new DateTimeOffset(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);
        await marks.MarkAsync(RollupMarkKinds.Day, CoarseTiers.MarkKey(CoarseTiers.DayKey(day), TableNames.AggUsage), string.Empty, RollupMarkKinds.Day, day, CancellationToken.None);

        var first = await RollupAsync(storage);
        var second = await RollupAsync(storage);

        Assert.Equal(0, first.Failed);
        Assert.Equal(1, first.CallWindows);
        Assert.Equal(3, first.OutOfRange); // the two hours the call window marked, and the day marked directly
        Assert.Equal(0, second.Failed + second.OutOfRange + second.Processed);
        Assert.Empty(await storage.AllAsync(TableNames.RollupPending));
    }

    private static System.Text.Json.Nodes.JsonObject Update(int version, int duration, string endpointType, string start = "2026-11-20T09:58:00Z") =>
        CallSummaryHandlerTests.Summary("c-rollup-updates", new
        {
            participantId = "leg-1",
            endpointType,
            callType = "Group",
            callStartTime = start,
            callDuration = duration,
            participantEndReason = "0",
            callUpdatesVersion = version.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, Categories.CallSummaryUpdates);
}
