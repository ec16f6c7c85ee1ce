using System.Collections.Specialized;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using AcsFunctions.Decoding;
using AcsFunctions.Dispatch;
using AcsFunctions.Functions;
using AcsFunctions.Health;
using AcsFunctions.Queries;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using AcsFunctions.Tests.Rollups;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Moq;
using static AcsFunctions.Tests.Health.HealthTestData;

namespace AcsFunctions.Tests.Health;

[Collection(AzuriteCollection.Name)]
public sealed class HealthTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset _from = Now.AddHours(-1);
    private static readonly DateTimeOffset _to = Now.AddHours(1);

    [Fact]
    public async Task KnownMix_ExactCountsReasonsLastTimesAndLags_PerCategoryAndPartition()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var result = await storage.Pipeline.IngestAsync(Mix());

        var rows = await QueryAsync(storage, _from, _to);

        Assert.Equal(
            [
                (HealthKey.UnknownCategory, "0"), (Categories.AuthOperational, "0"), (Unknown, "0"),
                (Categories.ChatOperational, "0"), (Categories.ChatOperational, "1"),
            ],
            rows.Select(r => (r.Category, r.Source!)));
        Assert.All(rows, r => Assert.Equal(HealthSource.EventHub, r.SourceType));
        Assert.All(rows, r => Assert.Equal(r.Records, r.Stored + r.Unclassified + r.DeadLettered));
        Assert.Equal((long)result.Records, rows.Sum(r => r.Records));
        Assert.Equal((long)result.Stored, rows.Sum(r => r.Stored));
        Assert.Equal((long)result.Unclassified, rows.Sum(r => r.Unclassified));
        Assert.Equal((long)result.DeadLettered, rows.Sum(r => r.DeadLettered));

        var auth = rows[1];
        Assert.Equal((2, 2, 0, 0), (auth.Records, auth.Stored, auth.Unclassified, auth.DeadLettered));
        Assert.Equal(Now.AddSeconds(-25), auth.LastEventTime);
        Assert.Equal(Now.AddSeconds(-20), auth.LastEnqueuedTime);
        Assert.Equal(Now, auth.LastIngestTime);
        Assert.Equal((20, 20, 20, 20), (auth.IngestLagSecondsP50, auth.IngestLagSecondsP95, auth.IngestLagSecondsP99, auth.IngestLagSecondsMax));
        Assert.Equal((5, 5, 5, 5), (auth.DeliveryLagSecondsP50, auth.DeliveryLagSecondsP95, auth.DeliveryLagSecondsP99, auth.DeliveryLagSecondsMax));

        // Chat on partition 0: 3 stored from body A, 1 without time from body B.
        var chat0 = rows[3];
        Assert.Equal((4, 3, 0, 1), (chat0.Records, chat0.Stored, chat0.Unclassified, chat0.DeadLettered));
        Assert.Equal(new Dictionary<string, long> { [DeadLetterReasons.InvalidTime] = 1 }, chat0.DeadLetteredByReason);
        Assert.Equal(Now.AddSeconds(-70), chat0.LastEventTime);
        Assert.Equal(Now.AddSeconds(-10), chat0.LastEnqueuedTime);
        Near(10, chat0.IngestLagSecondsP50); // 10, 10, 10, 20
        Near(20, chat0.IngestLagSecondsP95);
        Assert.Equal(20, chat0.IngestLagSecondsMax);
        Near(120, chat0.DeliveryLagSecondsP50); // 60, 120, 180 (the record without time has no delivery lag)
        Near(180, chat0.DeliveryLagSecondsP95);
        Assert.Equal(180, chat0.DeliveryLagSecondsMax);

        var chat1 = rows[4];
        Assert.Equal((2, 2, 0, 0), (chat1.Records, chat1.Stored, chat1.Unclassified, chat1.DeadLettered));
        Assert.Equal(Now.AddSeconds(-280), chat1.LastEventTime);
        Assert.Equal(Now.AddSeconds(-40), chat1.LastEnqueuedTime);
        Assert.Equal((40, 40), (chat1.IngestLagSecondsP50, chat1.IngestLagSecondsMax));
        Assert.Equal((240, 240), (chat1.DeliveryLagSecondsP99, chat1.DeliveryLagSecondsMax));

        // Units dead-lettered before their category was known: a record without category, an undecodable body.
        var unknown = rows[0];
        Assert.Equal((2, 0, 0, 2), (unknown.Records, unknown.Stored, unknown.Unclassified, unknown.DeadLettered));
        Assert.Equal(new Dictionary<string, long> { [DeadLetterReasons.InvalidJson] = 1, [DeadLetterReasons.MissingCategory] = 1 }, unknown.DeadLetteredByReason);
        Assert.Equal(Now, unknown.LastEventTime); // the record without category has a valid time (its dead letter is filed under it)
        Assert.Equal(Now.AddSeconds(-20), unknown.LastEnqueuedTime);
        Assert.Equal((20, 30), (unknown.IngestLagSecondsP50, unknown.IngestLagSecondsMax));
        Assert.Equal(0, unknown.DeliveryLagSecondsP50); // that time is after its enqueued time (test data): clamped to 0

        var unclassified = rows[2];
        Assert.Equal((1, 0, 1, 0), (unclassified.Records, unclassified.Stored, unclassified.Unclassified, unclassified.DeadLettered));
        Assert.Equal((10, 30), (unclassified.IngestLagSecondsMax, unclassified.DeliveryLagSecondsMax));
    }

    [Fact]
    public async Task Redelivery_CountsAgain_AndHoursAndCategoryFilterSelectRows()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync(Mix());
        storage.Time.Advance(TimeSpan.FromHours(1));
        await storage.Pipeline.IngestAsync(Mix()); // the same events again, an hour later

        var both = await QueryAsync(storage, _from, _to.AddHours(1), Categories.ChatOperational);
        var first = await QueryAsync(storage, Now, Now.AddMinutes(1), Categories.ChatOperational);
        var second = await QueryAsync(storage, Now.AddMinutes(90), Now.AddMinutes(91), Categories.ChatOperational);

        Assert.Equal([8, 4], both.Select(r => r.Records));
        Assert.Equal([4, 2], first.Select(r => r.Records));
        Assert.Equal([4, 2], second.Select(r => r.Records));
        Assert.Equal(Now.AddHours(1), second[0].LastIngestTime);
        Assert.Equal(3620, second[0].IngestLagSecondsMax); // the record without time, enqueued an hour and 20 s before the second ingest
        Assert.Equal(2, both[0].DeadLetteredByReason[DeadLetterReasons.InvalidTime]);
        Assert.All(both, r => Assert.Equal(Categories.ChatOperational, r.Category));
    }

    [Fact]
    public async Task ParallelIngests_OnTwoHostsAndWithinOne_LoseNoCounts()
    {
        var settings = new Dictionary<string, string?> { ["AcsFunctions:Storage:TablePrefix"] = "t" + Guid.NewGuid().ToString("N")[..12] };
        await using var host1 = TestStorage.Create(azurite.ConnectionString, settings);
        await using var host2 = TestStorage.Create(azurite.ConnectionString, settings);

        // Every ingest adds to the same few rows: 2 hosts × 2 concurrent loops × 6 batches.
        var loops = new[] { host1, host1, host2, host2 }.Select((host, loop) => Task.Run(async () =>
        {
            for (var i = 0; i < 6; i++)
            {
                await host.Pipeline.IngestAsync(Mix(sequence: (loop * 100) + (i * 10)));
            }
        }));
        await Task.WhenAll(loops);

        var rows = await QueryAsync(host1, _from, _to);
        var chat0 = Assert.Single(rows, r => r.Category == Categories.ChatOperational && r.Source == "0");
        Assert.Equal((96, 72, 24), (chat0.Records, chat0.Stored, chat0.DeadLettered));
        Assert.Equal(24 * 11, rows.Sum(r => r.Records)); // 11 units per mix
        Assert.Equal(24, Assert.Single(rows, r => r.Category == HealthKey.UnknownCategory).DeadLetteredByReason[DeadLetterReasons.InvalidJson]);
    }

    [Fact]
    public async Task Backlog_ShowsPendingRollupWindowsAndTheirAge_AndDropsAfterARollup()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync(Mix());
        storage.Time.Advance(TimeSpan.FromSeconds(90));

        var before = await QueryAsync(storage, _from, _to);

        // Chat events in the minutes 11:55, 11:56, 11:57 and 11:58; auth in 11:59; the unclassified one in 11:59.
        Assert.All(before.Where(r => r.Category == Categories.ChatOperational), r => Assert.Equal((4, 90.0), (r.RollupPendingWindows, r.RollupOldestPendingSeconds)));
        Assert.Equal(1, Assert.Single(before, r => r.Category == Categories.AuthOperational).RollupPendingWindows);
        Assert.Equal(1, Assert.Single(before, r => r.Category == Unknown).RollupPendingWindows);
        Assert.Equal(0, Assert.Single(before, r => r.Category == HealthKey.UnknownCategory).RollupPendingWindows);

        var rollup = await RollupTestData.RollupAsync(storage);
        var after = await QueryAsync(storage, _from, _to);

        Assert.Equal(6, rollup.Windows);
        Assert.All(after, r => Assert.Equal((0, (double?)null), (r.RollupPendingWindows, r.RollupOldestPendingSeconds)));
        Assert.Equal(before.Select(r => (r.Category, r.Source, r.Records)), after.Select(r => (r.Category, r.Source, r.Records)));
    }

    [Fact]
    public async Task Backlog_OfACategoryWithoutIngestInRange_HasARowOfItsOwn()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync(Mix());

        var yesterday = await QueryAsync(storage, Now.AddDays(-1), Now.AddDays(-1).AddHours(1), Categories.ChatOperational);

        var row = Assert.Single(yesterday);
        Assert.Equal((Categories.ChatOperational, null, null, 0L, 4), (row.Category, row.SourceType, row.Source, row.Records, row.RollupPendingWindows));
    }

    [Fact]
    public async Task FileSources_AreTheFileOrBlob_WithoutEnqueuedTimesOrLags()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([Samples.Body("api-requests.json"), Samples.Text("{ truncated", "broken.json")]);

        var rows = await QueryAsync(storage, _from, _to);

        Assert.All(rows, r => Assert.Equal(HealthSource.File, r.SourceType));
        Assert.Equal(["api-requests.json", "broken.json"], rows.Select(r => r.Source!).Distinct().Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.Null(r.LastEnqueuedTime));
        Assert.All(rows, r => Assert.Null(r.IngestLagSecondsP50));
        Assert.Equal(1, Assert.Single(rows, r => r.Source == "broken.json").DeadLetteredByReason[DeadLetterReasons.InvalidJson]);
        Assert.True(rows.Where(r => r.Source == "api-requests.json").Sum(r => r.Stored) > 0);
    }

    [Fact]
    public async Task Disabled_WritesNoHealthRows()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString, new Dictionary<string, string?> { ["AcsFunctions:Health:Enabled"] = "false" });
        await storage.Pipeline.IngestAsync(Mix());

        Assert.DoesNotContain(HealthStore.Table, await storage.TablesAsync());
    }

    [Fact]
    public async Task QueryCommand_Health_JsonAndCsv()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync(Mix());
        var environment = new Dictionary<string, string?>
        {
            ["AcsFunctions__Storage__TablePrefix"] = storage.Prefix,
            ["AcsFunctions__Storage__PayloadContainer"] = storage.Prefix,
        };
        string[] range = ["--from", "2026-11-23T11:00:00Z", "--to", "2026-11-23T13:00:00Z", "--storage", azurite.ConnectionString];

        var json = await CliProcess.RunAsync(["query", "health", "--format", "json", .. range], environment);
        var csv = await CliProcess.RunAsync(["query", "health", "--category", "chatoperational", "--format", "csv", .. range], environment);
        var interval = await CliProcess.RunAsync(["query", "health", "--interval", "PT1H", .. range], environment);
        var table = await CliProcess.RunAsync(["query", "health", .. range], environment);

        Assert.True(json.Exit == 0, json.Error);
        using (var rows = JsonDocument.Parse(json.Output))
        {
            var expected = await QueryAsync(storage, Now.AddHours(-1), Now.AddHours(1));
            Assert.Equal(
                expected.Select(r => (r.Category, r.Source, r.Records, r.DeadLettered, string.Join(';', r.DeadLetteredByReason.Select(p => $"{p.Key}={p.Value}")))),
                rows.RootElement.EnumerateArray().Select(r => (
                    r.GetProperty("category").GetString()!,
                    r.GetProperty("source").GetString(),
                    r.GetProperty("records").GetInt64(),
                    r.GetProperty("deadLettered").GetInt64(),
                    string.Join(';', r.GetProperty("deadLetteredByReason").EnumerateObject().Select(p => $"{p.Name}={p.Value.GetInt64()}")))));
            var chat0 = rows.RootElement.EnumerateArray().Single(r => r.GetProperty("category").GetString() == Categories.ChatOperational && r.GetProperty("source").GetString() == "0");
            Assert.Equal("2026-11-23T11:58:50Z", chat0.GetProperty("lastEventTime").GetString());
            Assert.Equal(180, chat0.GetProperty("deliveryLagSecondsMax").GetDouble());
            Assert.Equal(4, chat0.GetProperty("rollupPendingWindows").GetInt32());
        }

        Assert.True(csv.Exit == 0, csv.Error);
        var lines = csv.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(
            "category,sourceType,source,records,stored,unclassified,deadLettered,deadLetteredByReason,lastEventTime,lastEnqueuedTime,lastIngestTime,"
            + "ingestLagSecondsP50,ingestLagSecondsP95,ingestLagSecondsP99,ingestLagSecondsMax,deliveryLagSecondsP50,deliveryLagSecondsP95,deliveryLagSecondsP99,deliveryLagSecondsMax,"
            + "rollupPendingWindows,rollupOldestPendingSeconds,rollupLeasedMarks,rollupLeasedUntil",
            lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("ChatOperational,eventhub,0,4,3,0,1,invalid-time=1,2026-11-23T11:58:50Z,2026-11-23T11:59:50Z,2026-11-23T12:00:00Z,", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("ChatOperational,eventhub,1,2,2,0,0,,2026-11-23T11:55:20Z,2026-11-23T11:59:20Z,2026-11-23T12:00:00Z,40,40,40,40,240,240,240,240,4,", lines[2], StringComparison.Ordinal);

        Assert.True(table.Exit == 0, table.Error);
        var line = Assert.Single(table.Output.Split('\n'), l => l.Contains("ChatOperational", StringComparison.Ordinal) && l.Contains("partition 1", StringComparison.Ordinal));
        Assert.Contains("2026-11-23 11:55:20", line, StringComparison.Ordinal);
        Assert.Contains("40 / 40 / 40", line, StringComparison.Ordinal);
        Assert.Contains("240 / 240 / 240", line, StringComparison.Ordinal);

        Assert.Equal(2, interval.Exit);
        Assert.Contains("interval", interval.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FunctionsPath_EventHubsBatchIsCountedPerPartition_AndTheHttpRouteAnswersTheQueryJson()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var enqueued = Now.AddSeconds(-8);
        string[] bodies =
        [
            new JsonObject { ["records"] = new JsonArray(Chat(enqueued.AddSeconds(-2), 1), Chat(enqueued.AddSeconds(-4), 2)) }.ToJsonString(),
            "not json at all",
        ];
        var partition = new Dictionary<string, object?> { ["PartitionContext"] = """{"EventHubName":"acs","ConsumerGroup":"acs-functions","PartitionId":"3"}""" };

        await storage.Services.GetRequiredService<EventHubBatchIngestor>().IngestAsync(bodies, [enqueued.UtcDateTime, enqueued.UtcDateTime], [41, 42], ["100", "200"], partition);
        var query = new NameValueCollection { ["from"] = "2026-11-23T11:00:00Z", ["to"] = "2026-11-23T13:00:00Z" };
        var answer = await storage.Services.GetRequiredService<QueryEndpoint>().HandleAsync(QueryKinds.Health, query);
        var badFilter = await storage.Services.GetRequiredService<QueryEndpoint>().HandleAsync(QueryKinds.Health, new NameValueCollection(query) { ["resource"] = "ACS-X" });

        Assert.Equal(200, answer.StatusCode);
        var service = await storage.Services.GetRequiredService<QueryService>().QueryAsync(QueryKinds.Health, new Dictionary<string, string?> { ["from"] = "2026-11-23T11:00:00Z", ["to"] = "2026-11-23T13:00:00Z" });
        Assert.Equal(JsonText.Compact(service.Json), answer.Body);
        var rows = service.Rows.Cast<HealthRow>().ToList();
        Assert.Equal([(HealthKey.UnknownCategory, "3", 1L, 1L), (Categories.ChatOperational, "3", 2L, 0L)], rows.Select(r => (r.Category, r.Source!, r.Records, r.DeadLettered)));
        Assert.All(rows, r => Assert.Equal((HealthSource.EventHub, 8.0, enqueued), (r.SourceType!, r.IngestLagSecondsMax!.Value, r.LastEnqueuedTime!.Value)));
        Assert.Equal(4, rows[1].DeliveryLagSecondsMax);
        Assert.Equal(400, badFilter.StatusCode); // health rows are not per resource
    }

    [Fact]
    public async Task HealthWriteFailure_NeverFailsIngest_AndTheCountsAreWrittenWithTheNextBatch()
    {
        var logs = new CapturedLogs();
        await using var storage = WithFailingHealthWrites(new StrongBox<int>(1), logs);

        var first = await storage.Pipeline.IngestAsync(Mix());
        var afterFirst = await QueryAsync(storage, _from, _to);
        var second = await storage.Pipeline.IngestAsync(Mix(sequence: 10));
        var afterSecond = await QueryAsync(storage, _from, _to);

        Assert.True(first.Reconciles && second.Reconciles);
        Assert.Equal(11, first.Stored + first.Unclassified + first.DeadLettered);
        // Each source is one transaction: the first one failed (its counts kept), the other was written.
        // (Categories with a backlog but no written row show as backlog-only rows without a source.)
        var written = afterFirst.Where(r => r.Source is not null).ToList();
        Assert.Single(written.Select(r => r.Source).Distinct());
        Assert.Equal(written[0].Source == "1" ? 2 : 9, written.Sum(r => r.Records));
        Assert.Contains(logs.Entries, e => e.Id.Id == 5200 && e.Message.Contains("Server Busy", StringComparison.Ordinal));
        Assert.Equal(22, afterSecond.Sum(r => r.Records));
        Assert.Equal((8, 6, 2), afterSecond.Where(r => r.Category == Categories.ChatOperational && r.Source == "0").Select(r => (r.Records, r.Stored, r.DeadLettered)).Single());
    }

    [Fact]
    public async Task HealthWriteFailure_CountsStillPendingAreWrittenWhenTheHostStops()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var failures = new StrongBox<int>(1);
        var logs = new CapturedLogs();
        var storage = WithFailingHealthWrites(failures, logs, prefix);
        await storage.Pipeline.IngestAsync(Mix());
        Assert.Contains(logs.Entries, e => e.Id.Id == 5200);

        await storage.DisposeAsync(); // the host stops: the pending counts are written

        await using var reader = TestStorage.Create(azurite.ConnectionString, new Dictionary<string, string?> { ["AcsFunctions:Storage:TablePrefix"] = prefix });
        Assert.Equal(11, (await QueryAsync(reader, _from, _to)).Sum(r => r.Records));
        Assert.DoesNotContain(logs.Entries, e => e.Id.Id == 5201);
    }

    /// <summary>
    /// Azurite cannot fail one table on demand: the health table's transactions answer 503 while
    /// <paramref name="failures"/> lasts; every other call (and every other table) goes to Azurite.
    /// </summary>
    private TestStorage WithFailingHealthWrites(StrongBox<int> failures, CapturedLogs logs, string? prefix = null) =>
        TestStorage.Create(
            azurite.ConnectionString,
            prefix is null ? null : new Dictionary<string, string?> { ["AcsFunctions:Storage:TablePrefix"] = prefix },
            services =>
            {
                services.AddSingleton<ILoggerProvider>(logs);
                services.Replace(ServiceDescriptor.Singleton<AcsStorage>(sp =>
                {
                    var options = sp.GetRequiredService<IOptions<StorageOptions>>();
                    var real = new TableClient(options.Value.ConnectionString, options.Value.TablePrefix + HealthStore.Table);
                    var health = new Mock<TableClient>(MockBehavior.Strict);
                    health.Setup(t => t.Name).Returns(real.Name);
                    health.Setup(t => t.CreateIfNotExistsAsync(It.IsAny<CancellationToken>())).Returns((CancellationToken ct) => real.CreateIfNotExistsAsync(ct));
                    health.Setup(t => t.QueryAsync<TableEntity>(It.IsAny<string>(), It.IsAny<int?>(), It.IsAny<IEnumerable<string>>(), It.IsAny<CancellationToken>()))
                        .Returns((string filter, int? page, IEnumerable<string> select, CancellationToken ct) => real.QueryAsync<TableEntity>(filter, page, select, ct));
                    health.Setup(t => t.SubmitTransactionAsync(It.IsAny<IEnumerable<TableTransactionAction>>(), It.IsAny<CancellationToken>()))
                        .Returns(async (IEnumerable<TableTransactionAction> actions, CancellationToken ct) => Interlocked.Decrement(ref failures.Value) >= 0
                            ? throw new RequestFailedException(503, "Server Busy", "ServerBusy", null)
                            : await real.SubmitTransactionAsync(actions, ct));
                    var mock = new Mock<AcsStorage>(sp.GetRequiredService<TableServiceClient>(), null!, options) { CallBase = true };
                    mock.Setup(s => s.GetTable(HealthStore.Table)).Returns(health.Object);
                    return mock.Object;
                }));
            });

    [Fact]
    public async Task StoreRejectedRecord_MovesFromStoredToDeadLettered()
    {
        await using var storage = RefusingChatDuration12();

        var result = await storage.Pipeline.IngestAsync(Mix());
        var chat0 = Assert.Single(await QueryAsync(storage, _from, _to), r => r.Category == Categories.ChatOperational && r.Source == "0");

        Assert.Equal(1, result.DeadLetteredByReason[AcsFunctions.Ingestion.IngestPipeline.StorageRejectedReason]);
        Assert.Equal((4, 2, 2), (chat0.Records, chat0.Stored, chat0.DeadLettered));
        Assert.Equal(new Dictionary<string, long> { [DeadLetterReasons.InvalidTime] = 1, [AcsFunctions.Ingestion.IngestPipeline.StorageRejectedReason] = 1 }, chat0.DeadLetteredByReason);
    }

    [Fact]
    public async Task StoreRejectedRecord_ItsTwinInTheSameBatch_IsDeadLetteredToo_NotCountedAsStored()
    {
        // One record in two serializations (same id, so the same row: only one of them is written); the row is refused.
        await using var storage = RefusingChatDuration12();
        var record = Chat(Now.AddSeconds(-60), 2);
        var indented = record.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        var twin = new EventBody(System.Text.Encoding.UTF8.GetBytes("{\"records\":[" + indented + "]}"), Lineage("0", 2, Now.AddSeconds(-10)));

        var result = await storage.Pipeline.IngestAsync([Body("0", 1, Now.AddSeconds(-10), record), twin]);

        Assert.Equal((2, 0, 2), (result.Records, result.Stored, result.DeadLetteredByReason[AcsFunctions.Ingestion.IngestPipeline.StorageRejectedReason]));
        var dead = Assert.Single(await storage.AllAsync(TableNames.DeadLetters)); // one payload: one row for both units
        Assert.Equal(AcsFunctions.Ingestion.IngestPipeline.StorageRejectedReason, dead.GetString("Reason"));
    }

    /// <summary>
    /// Azurite accepts every record we build: here the records table refuses the chat record with durationMs 12 (400),
    /// as the service would an entity it cannot hold.
    /// </summary>
    private TestStorage RefusingChatDuration12()
    {
        static bool Refused(TableEntity e) => e.GetString("Category") == Categories.ChatOperational && e.GetDouble("DurationMs") == 12;
        return TestStorage.Create(azurite.ConnectionString, configure: services => services.Replace(ServiceDescriptor.Singleton<AcsStorage>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>();
            var real = new TableClient(options.Value.ConnectionString, options.Value.TablePrefix + TableNames.Records);
            var records = new Mock<TableClient>(MockBehavior.Strict);
            records.Setup(t => t.Name).Returns(real.Name);
            records.Setup(t => t.CreateIfNotExistsAsync(It.IsAny<CancellationToken>())).Returns((CancellationToken ct) => real.CreateIfNotExistsAsync(ct));
            records.Setup(t => t.SubmitTransactionAsync(It.IsAny<IEnumerable<TableTransactionAction>>(), It.IsAny<CancellationToken>()))
                .Returns(async (IEnumerable<TableTransactionAction> actions, CancellationToken ct) => actions.Any(a => Refused((TableEntity)a.Entity))
                    ? throw new RequestFailedException(400, "Bad Request", "InvalidInput", null)
                    : await real.SubmitTransactionAsync(actions, ct));
            records.Setup(t => t.UpsertEntityAsync(It.IsAny<TableEntity>(), It.IsAny<TableUpdateMode>(), It.IsAny<CancellationToken>()))
                .Returns(async (TableEntity e, TableUpdateMode mode, CancellationToken ct) => Refused(e)
                    ? throw new RequestFailedException(400, "Bad Request", "InvalidInput", null)
                    : await real.UpsertEntityAsync(e, mode, ct));
            var mock = new Mock<AcsStorage>(sp.GetRequiredService<TableServiceClient>(), null!, options) { CallBase = true };
            mock.Setup(s => s.GetTable(TableNames.Records)).Returns(records.Object);
            return mock.Object;
        })));
    }
}
