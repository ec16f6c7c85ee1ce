using System.Text.Json.Nodes;
using AcsFunctions.Drift;
using AcsFunctions.Tests.Infrastructure;
using AcsFunctions.Tests.Schemas;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AcsFunctions.Tests.Drift;

[Collection(AzuriteCollection.Name)]
public sealed class SchemaDriftTests(AzuriteFixture azurite)
{
    private const string Category = "ChatOperational";

    [Fact]
    public async Task Drift_FieldGainedLostAndKindChanged_ExactlyThreeEntriesOnce_HoweverOftenRepeated()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var settings = Settings(prefix);
        settings["AcsFunctions:Drift:FieldDisappearedAfterRecords"] = "10"; // all records have the same time
        settings["AcsFunctions:Drift:FieldDisappearedAfter"] = "00:00:00";
        var logs = new CapturedLogs();
        await using (var storage = TestStorage.Create(azurite.ConnectionString, settings, s => s.AddSingleton<ILoggerProvider>(logs)))
        {
            // Baseline, with the known variations: a number sent as a string, "null", a boolean as a string.
            await storage.Pipeline.IngestAsync([StoredRecords.Body(
                Chat(new JsonObject { ["ChatThreadId"] = "19:a@thread.v2", ["DurationMs"] = 12, ["SdkVersion"] = "1.2.0", ["Retried"] = false }),
                Chat(new JsonObject { ["ChatThreadId"] = "19:b@thread.v2", ["DurationMs"] = "15", ["SdkVersion"] = "null", ["Retried"] = "true" }),
                Chat(new JsonObject { ["ChatThreadId"] = "19:c@thread.v2", ["DurationMs"] = null, ["SdkVersion"] = "1.3.0", ["Retried"] = true }))]);
            var baseline = await storage.Services.GetRequiredService<SchemaStore>().DriftAsync(null);
            Assert.Equal(DriftChange.NewCategory, Assert.Single(baseline).Change);

            // Gains NewThing, loses ChatThreadId, DurationMs becomes text: repeated in many records and batches.
            for (var batch = 0; batch < 3; batch++)
            {
                await storage.Pipeline.IngestAsync([StoredRecords.Body([.. Enumerable.Range(0, 5).Select(i => Changed(batch * 10 + i))])]);
            }
        }

        // A new process (empty cache) reloads the signature and does not report them again.
        await using (var again = TestStorage.Create(azurite.ConnectionString, settings, s => s.AddSingleton<ILoggerProvider>(logs)))
        {
            await again.Pipeline.IngestAsync([StoredRecords.Body(Changed(99), Changed(98))]);
            var drift = await again.Services.GetRequiredService<SchemaStore>().DriftAsync(Category);

            var changes = drift.Where(d => d.Change != DriftChange.NewCategory).Select(d => (d.Change, d.Field)).Order().ToList();
            Assert.Equal(
                [
                    (DriftChange.FieldDisappeared, "properties.ChatThreadId"),
                    (DriftChange.KindChanged, "properties.DurationMs"),
                    (DriftChange.NewField, "properties.NewThing"),
                ],
                changes);
            // Logged once each (event 5101), however many records and batches repeated them.
            Assert.Equal(3, logs.Entries.Count(e => e.Id.Id == 5101));
            var kind = Assert.Single(drift, d => d.Change == DriftChange.KindChanged);
            Assert.Equal("number, numeric-string → string", kind.Detail);
            Assert.NotNull(kind.ExampleRecordId);

            // The field rows: kinds and counts per field (3 + 15 + 2 records).
            var fields = await again.Services.GetRequiredService<SchemaStore>().AllFieldsAsync(Category);
            Assert.Equal(20, fields.Where(f => f.RowKey.StartsWith(SchemaStore.RecordsRow, StringComparison.Ordinal)).Sum(f => f.GetInt64("Count")));
            var duration = Assert.Single(fields, f => f.GetString("Field") == "properties.DurationMs");
            Assert.Equal("string, number, numeric-string", duration.GetString("Kinds"));
            Assert.Equal(20, duration.GetInt64("Count"));
            Assert.Equal(3, Assert.Single(fields, f => f.GetString("Field") == "properties.ChatThreadId").GetInt64("Count"));
        }
    }

    [Fact]
    public async Task Drift_UnchangedRecords_WriteCountersOnlyAfterTheInterval()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var settings = Settings(prefix);
        settings["AcsFunctions:Drift:StatsWriteInterval"] = "00:05:00";
        await using var storage = TestStorage.Create(azurite.ConnectionString, settings);
        var store = storage.Services.GetRequiredService<SchemaStore>();

        await storage.Pipeline.IngestAsync([StoredRecords.Body(Changed(1))]); // new category: written
        await storage.Pipeline.IngestAsync([StoredRecords.Body(Changed(2), Changed(3))]); // nothing changed: cached
        Assert.Equal(1, await RecordsAsync(store));

        storage.Time.Advance(TimeSpan.FromMinutes(6));
        await storage.Pipeline.IngestAsync([StoredRecords.Body(Changed(4))]);
        Assert.Equal(4, await RecordsAsync(store));
        Assert.Single(await store.DriftAsync(Category));
    }

    [Fact]
    public async Task Drift_CountersWaitingForTheInterval_AreWrittenWhenTheHostStops()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var settings = Settings(prefix);
        settings["AcsFunctions:Drift:StatsWriteInterval"] = "00:05:00";
        await using (var storage = TestStorage.Create(azurite.ConnectionString, settings))
        {
            await storage.Pipeline.IngestAsync([StoredRecords.Body(Changed(1))]); // new category: written
            await storage.Pipeline.IngestAsync([StoredRecords.Body(Changed(2), Changed(3))]); // waiting for the interval
            Assert.Equal(1, await RecordsAsync(storage.Services.GetRequiredService<SchemaStore>()));
        }

        await using var after = TestStorage.Create(azurite.ConnectionString, settings);
        var store = after.Services.GetRequiredService<SchemaStore>();
        Assert.Equal(3, await RecordsAsync(store));
        var fields = await store.AllFieldsAsync(Category);
        Assert.Equal(3, Assert.Single(fields, f => f.GetString("Field") == "properties.NewThing").GetInt64("Count"));
        Assert.Equal("number: 3", Assert.Single(fields, f => f.GetString("Field") == "properties.NewThing").GetString("KindCounts"));
    }

    [Fact]
    public async Task Drift_NameCasingVariations_AreNotDrift()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        await using var storage = TestStorage.Create(azurite.ConnectionString, Settings(prefix));
        await storage.Pipeline.IngestAsync([StoredRecords.Body(
            Chat(new JsonObject { ["ChatThreadId"] = "19:a@thread.v2", ["DurationMs"] = 12 }),
            Chat(new JsonObject { ["ChatThreadId"] = "19:b@thread.v2", ["DurationMs"] = 15 }))]);

        // The same fields with other casing, the properties member spelt "Properties" and a top-level name in lower case.
        var recased = Chat(new JsonObject { ["chatThreadId"] = "19:c@thread.v2", ["durationMs"] = 20 });
        recased["Properties"] = recased["properties"]!.DeepClone();
        recased.Remove("properties");
        var category = recased["category"]!.DeepClone();
        recased.Remove("category");
        recased["Category"] = category;
        await storage.Pipeline.IngestAsync([StoredRecords.Body(recased, recased.DeepClone().AsObject())]);

        var store = storage.Services.GetRequiredService<SchemaStore>();
        Assert.Equal(DriftChange.NewCategory, Assert.Single(await store.DriftAsync(Category)).Change);
        var fields = (await store.AllFieldsAsync(Category)).Select(f => f.GetString("Field")).OfType<string>().ToList();
        Assert.DoesNotContain(fields, f => f.Equals("Properties", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(4, Assert.Single((await store.AllFieldsAsync(Category)), f => f.GetString("Field") == "properties.ChatThreadId").GetInt64("Count"));
    }

    [Fact]
    public async Task Drift_OptionalFieldsOmittedIntermittently_AreNotReportedAsDisappeared()
    {
        var logs = new CapturedLogs();
        await using var storage = TestStorage.Create(azurite.ConnectionString, Settings("t" + Guid.NewGuid().ToString("N")[..12]), s => s.AddSingleton<ILoggerProvider>(logs));

        // ParticipantId is in the first 150 records, then omitted from every 5th (as the generator does for ~20 %);
        // Topic is in 9 of 10 records from the start. 30 minutes of records, 25 per batch.
        for (var batch = 0; batch < 12; batch++)
        {
            await storage.Pipeline.IngestAsync([StoredRecords.Body([.. Enumerable.Range(batch * 25, 25).Select(i => Timed(i, new JsonObject
            {
                ["ChatThreadId"] = "19:a@thread.v2",
                ["ParticipantId"] = i >= 150 && i % 5 == 0 ? null : "8:acs:1",
                ["Topic"] = i % 10 == 3 ? null : "t",
            }))])]);
        }

        var drift = await storage.Services.GetRequiredService<SchemaStore>().DriftAsync(Category);
        Assert.Equal([DriftChange.NewCategory], drift.Select(d => d.Change));
        Assert.DoesNotContain(logs.Entries, e => e.Id.Id == 5101);
    }

    [Fact]
    public async Task Drift_FieldThatStopsArriving_IsReportedOnce_AfterEnoughRecordsAndEventTime()
    {
        var logs = new CapturedLogs();
        await using var storage = TestStorage.Create(azurite.ConnectionString, Settings("t" + Guid.NewGuid().ToString("N")[..12]), s => s.AddSingleton<ILoggerProvider>(logs));
        var store = storage.Services.GetRequiredService<SchemaStore>();
        var next = 0;
        Task IngestAsync(int records, bool withParticipant, int secondsApart) =>
            storage.Pipeline.IngestAsync([StoredRecords.Body([.. Enumerable.Range(0, records).Select(_ => Timed(next++ * secondsApart, new JsonObject
            {
                ["ChatThreadId"] = "19:a@thread.v2",
                ["ParticipantId"] = withParticipant ? "8:acs:1" : null,
            }))])]);
        async Task<int> DisappearedAsync() => (await store.DriftAsync(Category)).Count(d => d.Change == DriftChange.FieldDisappeared);

        await IngestAsync(200, withParticipant: true, secondsApart: 1);
        await IngestAsync(150, withParticipant: false, secondsApart: 1); // 150 records, but 2.5 minutes: a burst
        var afterBurst = await DisappearedAsync();
        await IngestAsync(20, withParticipant: false, secondsApart: 60); // the run now reaches 22 minutes past the last one
        var afterTime = await DisappearedAsync();
        await IngestAsync(50, withParticipant: false, secondsApart: 60);

        Assert.Equal((0, 1), (afterBurst, afterTime));
        var gone = Assert.Single(await store.DriftAsync(Category), d => d.Change == DriftChange.FieldDisappeared);
        Assert.Equal("properties.ParticipantId", gone.Field);
        Assert.Equal(Time(199), gone.EventTime); // the field's last record
        Assert.Equal(1, logs.Entries.Count(e => e.Id.Id == 5101));
    }

    [Fact]
    public async Task Drift_FieldThatComesBackAndStopsAgain_IsNotReportedTwice()
    {
        var logs = new CapturedLogs();
        await using var storage = TestStorage.Create(azurite.ConnectionString, Settings("t" + Guid.NewGuid().ToString("N")[..12]), s => s.AddSingleton<ILoggerProvider>(logs));
        var store = storage.Services.GetRequiredService<SchemaStore>();
        var next = 0;
        Task IngestAsync(int records, bool withParticipant) =>
            storage.Pipeline.IngestAsync([StoredRecords.Body([.. Enumerable.Range(0, records).Select(_ => Timed(next++ * 60, new JsonObject
            {
                ["ChatThreadId"] = "19:a@thread.v2",
                ["ParticipantId"] = withParticipant ? "8:acs:1" : null,
            }))])]);
        async Task<int> DisappearedAsync() => (await store.DriftAsync(Category)).Count(d => d.Change == DriftChange.FieldDisappeared);

        // A minute apart: 120 records without the field are past both thresholds (100 records, 15 minutes).
        await IngestAsync(50, withParticipant: true);
        await IngestAsync(120, withParticipant: false);
        var first = await DisappearedAsync();
        await IngestAsync(50, withParticipant: true); // it comes back ...
        await IngestAsync(120, withParticipant: false); // ... and stops again, as long as the first time
        await IngestAsync(120, withParticipant: false);

        Assert.Equal(1, first);
        var gone = Assert.Single(await store.DriftAsync(Category), d => d.Change == DriftChange.FieldDisappeared);
        Assert.Equal("properties.ParticipantId", gone.Field);
        Assert.Equal(Time(49 * 60), gone.EventTime); // the first disappearance, still the only one
        Assert.Equal(1, logs.Entries.Count(e => e.Id.Id == 5101 && e.Message.Contains("ParticipantId", StringComparison.Ordinal)));
    }

    private static async Task<long> RecordsAsync(SchemaStore store) =>
        (await store.AllFieldsAsync(Category)).Where(f => f.RowKey.StartsWith(SchemaStore.RecordsRow, StringComparison.Ordinal)).Sum(f => f.GetInt64("Count") ?? 0);

    private static Dictionary<string, string?> Settings(string prefix) => new()
    {
        ["AcsFunctions:Storage:TablePrefix"] = prefix,
        ["AcsFunctions:Storage:PayloadContainer"] = prefix,
        ["AcsFunctions:Drift:StatsWriteInterval"] = "00:00:00",
    };

    private static JsonObject Changed(int i) =>
        Chat(new JsonObject { ["DurationMs"] = "slow", ["SdkVersion"] = $"1.{i}.0", ["Retried"] = i % 2 == 0, ["NewThing"] = i });

    private static DateTimeOffset Time(int seconds) => new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero).AddSeconds(seconds);

    /// <summary>A chat record <paramref name="seconds"/> after 10:00 (null properties are left out).</summary>
    private static JsonObject Timed(int seconds, JsonObject properties)
    {
        foreach (var name in properties.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            properties.Remove(name);
        }

        return StoredRecords.Record(Category, "SendChatMessage", properties, Guid.NewGuid().ToString(), Time(seconds).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
    }

    private static JsonObject Chat(JsonObject properties) => StoredRecords.Record(Category, "SendChatMessage", properties, correlationId: Guid.NewGuid().ToString());
}
