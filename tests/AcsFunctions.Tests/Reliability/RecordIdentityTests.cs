using System.Security.Cryptography;
using System.Text;
using AcsFunctions.Decoding;
using AcsFunctions.Migrations;
using AcsFunctions.Records;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Tests.Reliability;

/// <summary>
/// Issue 15, finding 3: the same logical record in different serializations is stored once (its id is computed from
/// a canonical form), two genuinely different records are never merged, and a store written with the earlier
/// byte-based ids is re-keyed by <see cref="RecordIdMigration"/> without double counting.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class RecordIdentityTests(AzuriteFixture azurite)
{
    private const string Chat = """{"time":"2025-06-01T10:00:05.1230000Z","resourceId":"/SUBSCRIPTIONS/S1/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS1","operationName":"SendChatMessage","operationVersion":"2021-09-07","category":"ChatOperational","resultType":"Succeeded","resultSignature":201,"durationMs":21,"callerIpAddress":"203.0.113.7","correlationId":"c0ffee00-0000-4000-8000-000000000001","level":"Informational","properties":{"SdkType":"azsdk-js","PlatformType":"Web","URI":"https://acs1.communication.azure.com/chat/threads"}}""";

    private static readonly System.Text.Json.JsonSerializerOptions _indented = new() { WriteIndented = true };

    /// <summary>The example of the finding and variants: each is the record above, serialized differently.</summary>
    public static readonly TheoryData<string, string> Serializations = new()
    {
        { "keys reordered", """{"category":"ChatOperational","properties":{"URI":"https://acs1.communication.azure.com/chat/threads","PlatformType":"Web","SdkType":"azsdk-js"},"level":"Informational","correlationId":"c0ffee00-0000-4000-8000-000000000001","callerIpAddress":"203.0.113.7","durationMs":21,"resultSignature":201,"resultType":"Succeeded","operationVersion":"2021-09-07","operationName":"SendChatMessage","resourceId":"/SUBSCRIPTIONS/S1/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS1","time":"2025-06-01T10:00:05.1230000Z"}""" },
        { "numbers as strings", Chat.Replace("\"durationMs\":21", "\"durationMs\":\"21\"").Replace("201", "\"201\"") },
        { "numbers reformatted", Chat.Replace("\"durationMs\":21", "\"durationMs\":21.0").Replace(":201", ":2.01e2") },
        { "properties as a JSON string", Chat.Replace("""{"SdkType":"azsdk-js","PlatformType":"Web","URI":"https://acs1.communication.azure.com/chat/threads"}""", "\"{\\\"SdkType\\\":\\\"azsdk-js\\\",\\\"PlatformType\\\":\\\"Web\\\",\\\"URI\\\":\\\"https://acs1.communication.azure.com/chat/threads\\\"}\"") },
        { "escaped solidus", Chat.Replace("/", "\\/") },
        { "unicode escapes", Chat.Replace("\"ChatOperational\"", "\"\\u0043hatOperational\"").Replace("\"time\"", "\"\\u0074ime\"") },
        { "+00:00 offset", Chat.Replace("10:00:05.1230000Z", "10:00:05.123+00:00") },
        { "+02:00 offset, same instant", Chat.Replace("10:00:05.1230000Z", "12:00:05.123+02:00") },
        { "pretty-printed", System.Text.Json.Nodes.JsonNode.Parse(Chat)!.ToJsonString(_indented) },
        { "name casing (resourceid)", Chat.Replace("\"resourceId\"", "\"resourceid\"") },
    };

    /// <summary>Records that share time, resource, category, operation and correlation id but are not the same.</summary>
    public static readonly TheoryData<string, string> DifferentRecords = new()
    {
        { "other status", Chat.Replace(":201", ":500") },
        { "other duration", Chat.Replace("\"durationMs\":21", "\"durationMs\":22") },
        { "same digits, other value", Chat.Replace("\"durationMs\":21", "\"durationMs\":2.1") },
        { "text not a number", Chat.Replace("\"durationMs\":21", "\"durationMs\":\"021\"") },
        { "other property", Chat.Replace("\"PlatformType\":\"Web\"", "\"PlatformType\":\"Android\"") },
        { "extra property", Chat.Replace("\"PlatformType\":\"Web\"", "\"PlatformType\":\"Web\",\"Retry\":1") },
        { "one tick later", Chat.Replace("10:00:05.1230000Z", "10:00:05.1230001Z") },
        { "string inside properties differs by case", Chat.Replace("azsdk-js", "AZSDK-js") },
    };

    [Theory]
    [MemberData(nameof(Serializations))]
    public void Compute_SameRecordOtherSerialization_SameId(string variant, string json)
    {
        Assert.True(JsonIsValid(json), variant);
        Assert.Equal(RecordId.Compute(Encoding.UTF8.GetBytes(Chat)), RecordId.Compute(Encoding.UTF8.GetBytes(json)));
    }

    [Theory]
    [MemberData(nameof(DifferentRecords))]
    public void Compute_DifferentRecordSharingIdentifyingFields_OtherId(string variant, string json)
    {
        Assert.True(JsonIsValid(json), variant);
        Assert.NotEqual(RecordId.Compute(Encoding.UTF8.GetBytes(Chat)), RecordId.Compute(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public async Task Ingest_OneRecordInEverySerialization_StoredOnceAndCountedOnce()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var bodies = new List<EventBody> { Body(Chat, "live") };
        bodies.AddRange(Serializations.Select(row => Body((string)row[1], (string)row[0])));

        var result = await storage.Pipeline.IngestAsync(bodies);
        await storage.Services.GetRequiredService<RollupService>().RunAsync();

        Assert.Equal(bodies.Count, result.Stored);
        Assert.Single(await storage.AllAsync(TableNames.Records));
        var aggregate = Assert.Single(await MinuteRowsAsync(storage), r => r.GetString("StatusCode") == "201");
        Assert.Equal(1, Convert.ToInt64(aggregate["Count"], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Ingest_DifferentRecordsSharingIdentifyingFields_EachStored()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var bodies = new List<EventBody> { Body(Chat, "base") };
        bodies.AddRange(DifferentRecords.Select(row => Body((string)row[1], (string)row[0])));

        await storage.Pipeline.IngestAsync(bodies);

        Assert.Equal(bodies.Count, (await storage.AllAsync(TableNames.Records)).Count);
    }

    [Fact]
    public async Task Migrate_StoreKeyedByOldIds_DuplicatesMergedCountsExactAndReingestAddsNothing()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var reordered = Reorder(Chat);
        var other = Chat.Replace(":201", ":500");
        await storage.Pipeline.IngestAsync([Body(Chat, "live"), Body(other, "live")]);

        // An earlier version keyed rows by the hash of the compacted bytes: the live record and its archive copy
        // (keys reordered) were two rows. Rebuild that store from today's rows.
        var records = storage.Table(TableNames.Records);
        foreach (var row in await storage.AllAsync(TableNames.Records))
        {
            await records.DeleteEntityAsync(row.PartitionKey, row.RowKey);
            var payload = Encoding.UTF8.GetString((await PayloadColumns.ReadAsync(row, null))!);
            var serializations = payload.Contains(":201", StringComparison.Ordinal) ? new[] { payload, Reorder(payload) } : [payload];
            foreach (var text in serializations)
            {
                var old = LegacyId(text);
                var copy = new TableEntity(row) { RowKey = old, ETag = default };
                copy.Remove("Timestamp");
                copy.Remove("odata.etag");
                copy["RecordId"] = old;
                copy[PayloadColumns.Raw] = text;
                await records.UpsertEntityAsync(copy, TableUpdateMode.Replace);
            }
        }

        Assert.Equal(3, (await storage.AllAsync(TableNames.Records)).Count);
        await storage.Services.GetRequiredService<RollupService>().RunAsync();
        Assert.Equal(2, CountOf(await MinuteRowsAsync(storage), "201")); // the double count of the finding

        var migration = storage.Services.GetRequiredService<RecordIdMigration>();
        var dry = await migration.RunAsync(dryRun: true, CancellationToken.None);
        Assert.Equal((3L, 3L, 1L), (dry.Scanned, dry.Rekeyed, dry.Merged));
        Assert.Equal(3, (await storage.AllAsync(TableNames.Records)).Count);

        var run = await migration.RunAsync(dryRun: false, CancellationToken.None);
        Assert.Equal((3L, 3L, 1L, 0L), (run.Scanned, run.Rekeyed, run.Merged, run.Unreadable));
        var migrated = await storage.AllAsync(TableNames.Records);
        Assert.Equal(2, migrated.Count);
        Assert.All(migrated, r => Assert.Equal(r.RowKey, r.GetString("RecordId")));
        Assert.All(migrated, r => Assert.Equal(RecordId.Compute(Encoding.UTF8.GetBytes(r.GetString(PayloadColumns.Raw))), r.RowKey));

        await storage.Services.GetRequiredService<RollupService>().RunAsync();
        Assert.Equal(1, CountOf(await MinuteRowsAsync(storage), "201"));

        // Idempotent, and new deliveries of either serialization land on the migrated rows.
        var again = await migration.RunAsync(dryRun: false, CancellationToken.None);
        Assert.Equal((2L, 0L), (again.Scanned, again.Rekeyed));
        await storage.Pipeline.IngestAsync([Body(Chat, "live"), Body(reordered, "archive"), Body(other, "archive")]);
        Assert.Equal(migrated.Select(r => r.RowKey).Order(), (await storage.AllAsync(TableNames.Records)).Select(r => r.RowKey).Order());
        await storage.Services.GetRequiredService<RollupService>().RunAsync();
        Assert.Equal(1, CountOf(await MinuteRowsAsync(storage), "201"));
    }

    [Fact]
    public async Task Migrate_CallRowKeyedByRecordId_RekeyedInsideItsKey()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);

        // A call summary without participant or endpoint id is keyed by its record id ("S|~<id>|v000000").
        var summary = """{"time":"2025-06-01T10:00:00Z","resourceId":"/SUBSCRIPTIONS/S1/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS1","correlationId":"call-1","operationName":"CallSummary","operationVersion":"1.0","category":"CallSummary","properties":{"callStartTime":"2025-06-01T09:59:00Z","callDuration":60,"callType":"P2P","participantEndReason":"0"}}""";
        await storage.Pipeline.IngestAsync([Body(summary, "live")]);
        var calls = storage.Table(TableNames.CallRecords);
        var row = Assert.Single(await storage.AllAsync(TableNames.CallRecords));
        var newId = row.GetString("RecordId");
        Assert.Contains(newId, row.RowKey, StringComparison.Ordinal);
        var old = LegacyId(row.GetString(PayloadColumns.Raw));
        await calls.DeleteEntityAsync(row.PartitionKey, row.RowKey);
        var legacy = new TableEntity(row) { RowKey = row.RowKey.Replace(newId, old, StringComparison.Ordinal), ETag = default };
        legacy.Remove("Timestamp");
        legacy.Remove("odata.etag");
        legacy["RecordId"] = old;
        await calls.UpsertEntityAsync(legacy, TableUpdateMode.Replace);

        var run = await storage.Services.GetRequiredService<RecordIdMigration>().RunAsync(dryRun: false, CancellationToken.None);

        Assert.Equal(1, run.Rekeyed);
        var migrated = Assert.Single(await storage.AllAsync(TableNames.CallRecords));
        Assert.Equal(row.RowKey, migrated.RowKey);
        await storage.Pipeline.IngestAsync([Body(summary, "archive")]);
        Assert.Single(await storage.AllAsync(TableNames.CallRecords));
    }

    // The minute rows only: the roll-up also writes hourly (H…) and daily (D…) rows with the same counts (#17).
    private static async Task<List<TableEntity>> MinuteRowsAsync(TestStorage storage) =>
        [.. (await storage.AllAsync(TableNames.AggApiRequests)).Where(r => char.IsAsciiDigit(r.PartitionKey[0]))];

    private static long CountOf(IEnumerable<TableEntity> rows, string status) =>
        rows.Where(r => r.GetString("StatusCode") == status).Sum(r => Convert.ToInt64(r["Count"], System.Globalization.CultureInfo.InvariantCulture));

    private static EventBody Body(string json, string file) => new(Encoding.UTF8.GetBytes(json), new Lineage { File = file });

    private static bool JsonIsValid(string json)
    {
        try
        {
            using var _ = System.Text.Json.JsonDocument.Parse(json);
            return true;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    /// <summary>The same object with its top-level members in reverse order.</summary>
    private static string Reorder(string json)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        var reversed = new System.Text.Json.Nodes.JsonObject();
        foreach (var (name, value) in node.Reverse().ToList())
        {
            node.Remove(name);
            reversed[name] = value;
        }

        return reversed.ToJsonString();
    }

    /// <summary>The record id of earlier versions: SHA-256 of the text without insignificant white space.</summary>
    private static string LegacyId(string json)
    {
        var output = new List<byte>(json.Length);
        bool inString = false, escaped = false;
        foreach (var b in Encoding.UTF8.GetBytes(json))
        {
            if (inString)
            {
                output.Add(b);
                if (escaped)
                {
                    escaped = false;
                }
                else if (b == (byte)'\\')
                {
                    escaped = true;
                }
                else if (b == (byte)'"')
                {
                    inString = false;
                }
            }
            else if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                output.Add(b);
                inString = b == (byte)'"';
            }
        }

        return Convert.ToHexStringLower(SHA256.HashData(output.ToArray())[..16]);
    }
}
