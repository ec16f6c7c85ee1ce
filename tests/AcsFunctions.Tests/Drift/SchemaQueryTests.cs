using System.Text.Json;
using System.Text.Json.Nodes;
using AcsFunctions.Drift;
using AcsFunctions.Queries;
using AcsFunctions.Tests.Infrastructure;
using AcsFunctions.Tests.Schemas;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Tests.Drift;

/// <summary>The <c>schema</c> query kind over what the drift detector stored in Azurite: the service, the CLI's three formats.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SchemaQueryTests(AzuriteFixture azurite)
{
    private const string Category = "ChatOperational";
    private const string Day = "2026-11-20", NextDay = "2026-11-21";

    [Fact]
    public async Task DriftView_ReturnsExactlyTheChanges_WithKindsAndRecordsAffected_InJsonCsvAndTable()
    {
        await using var storage = await SeededAsync();
        var queries = storage.Services.GetRequiredService<QueryService>();

        var result = await queries.QueryAsync(QueryKinds.Schema, Range(Day, NextDay));

        var rows = result.Rows.Cast<SchemaDriftRow>().ToList();
        Assert.Equal(
            [
                (DriftChange.NewCategory, (string?)null, (string?)null, (string?)null, (long?)13),
                (DriftChange.FieldDisappeared, "properties.ChatThreadId", "string", null, 10),
                (DriftChange.KindChanged, "properties.DurationMs", "number, numeric-string", "string", 10),
                (DriftChange.NewField, "properties.NewThing", null, "number", 10),
            ],
            rows.Select(r => (r.Change, r.Field, r.OldKinds, r.NewKinds, r.RecordsAffected)));
        Assert.All(rows, r => Assert.Equal(Category, r.Category));
        Assert.Equal(Baseline, rows[0].FirstSeen);
        Assert.Equal(Baseline, rows[1].FirstSeen); // a field that disappeared: its last record
        Assert.All(rows.Skip(2), r => Assert.Equal(ChangedFrom, r.FirstSeen));
        Assert.All(rows, r => Assert.Equal(storage.Time.GetUtcNow(), r.DetectedAt));
        Assert.NotNull(rows.Single(r => r.Change == DriftChange.KindChanged).ExampleRecordId);

        // In range by event time or by detection time; nothing outside both.
        Assert.Empty((await queries.QueryAsync(QueryKinds.Schema, Range(NextDay, "2026-11-22"))).Rows);
        Assert.Equal(4, (await queries.QueryAsync(QueryKinds.Schema, Range("2026-11-23", "2026-11-24"))).Rows.Count);
        Assert.Equal(4, (await queries.QueryAsync(QueryKinds.Schema, new Dictionary<string, string?>(Range(Day, NextDay)) { ["category"] = "chatoperational" })).Rows.Count);
        Assert.Empty((await queries.QueryAsync(QueryKinds.Schema, new Dictionary<string, string?>(Range(Day, NextDay)) { ["category"] = "SMSOperational" })).Rows);

        // The CLI prints the same JSON, the same rows as CSV, and a table.
        string[] query = ["query", "schema", "--from", Day, "--to", NextDay, "--storage", azurite.ConnectionString];
        var json = await RunAsync(storage.Prefix, [.. query, "--format", "json"]);
        var csv = await RunAsync(storage.Prefix, [.. query, "--format", "csv"]);
        var table = await RunAsync(storage.Prefix, [.. query, "--view", "DRIFT"], columns: 250);

        Assert.Equal((0, result.Json), (json.Exit, json.Output.TrimEnd()));
        Assert.Equal(0, csv.Exit);
        var lines = csv.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("category,field,change,oldKinds,newKinds,firstSeen,detectedAt,recordsAffected,detail,exampleRecordId,source", lines[0]);
        Assert.Equal(
            [
                "ChatOperational,,new-category,,,13",
                "ChatOperational,properties.ChatThreadId,field-disappeared,string,,10",
                "ChatOperational,properties.DurationMs,kind-changed,\"number, numeric-string\",string,10",
                "ChatOperational,properties.NewThing,new-field,,number,10",
            ],
            lines.Skip(1).Select(l => CsvColumns(l, [0, 1, 2, 3, 4, 7])));
        Assert.Equal(0, table.Exit);
        Assert.Contains("view drift", table.Output, StringComparison.Ordinal);
        foreach (var expected in new[] { "recordsAffected", "new-category", "field-disappeared", "kind-changed", "new-field", "properties.NewThing", "4 row(s)" })
        {
            Assert.Contains(expected, table.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task FieldsView_ListsTheInventory_WithKindsCountsAndFirstLastSeen()
    {
        await using var storage = await SeededAsync();
        var queries = storage.Services.GetRequiredService<QueryService>();

        var result = await queries.QueryAsync(QueryKinds.Schema, new Dictionary<string, string?>(Range(Day, NextDay)) { ["view"] = "fields" });

        var rows = result.Rows.Cast<SchemaFieldRow>().ToDictionary(r => r.Field);
        Assert.Equal(
            ["category", "correlationId", "operationName", "properties.ChatThreadId", "properties.DurationMs", "properties.NewThing", "properties.SdkVersion", "resourceId", "time"],
            rows.Keys.Order(StringComparer.Ordinal));
        Assert.All(rows.Values, r => Assert.Equal((Category, 13L), (r.Category, r.CategoryRecords)));

        var duration = rows["properties.DurationMs"];
        Assert.Equal(("string, number, numeric-string", 13L), (duration.Kinds, duration.Count));
        Assert.Equal(new Dictionary<string, long> { ["string"] = 10, ["number"] = 1, ["numeric-string"] = 1 }, duration.KindCounts);
        Assert.Equal((Baseline, ChangedFrom.AddSeconds(9)), (duration.FirstSeen, duration.LastSeen));

        var thread = rows["properties.ChatThreadId"];
        Assert.Equal(("string", 3L, Baseline, Baseline), (thread.Kinds, thread.Count, thread.FirstSeen, thread.LastSeen));
        var added = rows["properties.NewThing"];
        Assert.Equal(("number", 10L, ChangedFrom), (added.Kinds, added.Count, added.FirstSeen));

        // Only fields seen in the range: after the baseline, the vanished field is gone from the inventory.
        var later = await queries.QueryAsync(QueryKinds.Schema, new Dictionary<string, string?> { ["from"] = ChangedFrom.ToString("O"), ["to"] = NextDay, ["view"] = "fields" });
        Assert.DoesNotContain(later.Rows.Cast<SchemaFieldRow>(), r => r.Field == "properties.ChatThreadId");
        Assert.Equal(8, later.Rows.Count);

        using var doc = JsonDocument.Parse(result.Json);
        Assert.Equal(
            ["category", "field", "kinds", "kindCounts", "count", "categoryRecords", "firstSeen", "lastSeen"],
            doc.RootElement[0].EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [InlineData(QueryKinds.Schema, "view", "columns", "view", "'columns' is not a view of schema queries; use drift or fields (default drift).")]
    [InlineData(QueryKinds.Schema, "interval", "PT5M", "interval", "does not apply to schema queries.")]
    [InlineData(QueryKinds.Schema, "resource", "acs-contoso", "resource", "does not apply to schema queries.")]
    [InlineData(QueryKinds.Usage, "view", "fields", "view", "does not apply to usage queries (they have one shape).")]
    [InlineData(QueryKinds.Email, "view", "fields", "view", "'fields' is not a view of email queries; use detail or delivery-status (default detail).")]
    [InlineData(QueryKinds.ApiRequests, "view", "fields", "view", "'fields' is not a view of api-requests queries; use detail or operations or status-codes or status-classes (default detail).")]
    public async Task BadParameters_AreRejectedNamingTheParameter(string kind, string name, string value, string parameter, string problem)
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var queries = storage.Services.GetRequiredService<QueryService>();

        var ex = await Assert.ThrowsAsync<QueryParameterException>(() =>
            queries.QueryAsync(kind, new Dictionary<string, string?>(Range(Day, NextDay)) { [name] = value }));

        Assert.Equal((parameter, problem), (ex.ParamName, ex.Problem));
    }

    [Fact]
    public async Task Cli_BadView_ExitCode2()
    {
        var (exit, _, error) = await RunAsync("tschemabadview", ["query", "schema", "--from", Day, "--to", NextDay, "--view", "columns", "--storage", azurite.ConnectionString]);

        Assert.Equal(2, exit);
        Assert.Contains("view: 'columns' is not a view of schema queries", error, StringComparison.Ordinal);
    }

    private static readonly DateTimeOffset Baseline = new(2026, 11, 20, 10, 15, 30, TimeSpan.Zero);
    private static readonly DateTimeOffset ChangedFrom = new(2026, 11, 20, 11, 0, 0, TimeSpan.Zero);

    /// <summary>3 baseline records, then 10 in two batches that gain NewThing, lose ChatThreadId and send DurationMs as text.</summary>
    private async Task<TestStorage> SeededAsync()
    {
        var storage = TestStorage.Create(azurite.ConnectionString, new Dictionary<string, string?>
        {
            ["AcsFunctions:Drift:StatsWriteInterval"] = "00:00:00",
            ["AcsFunctions:Drift:FieldDisappearedAfterRecords"] = "5", // ChatThreadId: missing from the next 5 records, 45 minutes later
        });
        await storage.Pipeline.IngestAsync([StoredRecords.Body(
            Chat(Baseline, new JsonObject { ["ChatThreadId"] = "19:a@thread.v2", ["DurationMs"] = 12, ["SdkVersion"] = "1.2.0" }),
            Chat(Baseline, new JsonObject { ["ChatThreadId"] = "19:b@thread.v2", ["DurationMs"] = "15", ["SdkVersion"] = "1.2.0" }),
            Chat(Baseline, new JsonObject { ["ChatThreadId"] = "19:c@thread.v2", ["DurationMs"] = null, ["SdkVersion"] = "1.3.0" }))]);
        for (var batch = 0; batch < 2; batch++)
        {
            await storage.Pipeline.IngestAsync([StoredRecords.Body([.. Enumerable.Range(batch * 5, 5).Select(i =>
                Chat(ChangedFrom.AddSeconds(i), new JsonObject { ["DurationMs"] = "slow", ["SdkVersion"] = $"1.{i}.0", ["NewThing"] = i }))])]);
        }

        return storage;
    }

    private static JsonObject Chat(DateTimeOffset time, JsonObject properties) =>
        StoredRecords.Record(Category, "SendChatMessage", properties, correlationId: Guid.NewGuid().ToString(), time: time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));

    private static Dictionary<string, string?> Range(string from, string to) => new() { ["from"] = from, ["to"] = to };

    /// <summary>The given columns of a CSV line (RFC 4180 quotes kept), joined by commas.</summary>
    private static string CsvColumns(string line, int[] columns)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        foreach (var c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }

            if (c == ',' && !quoted)
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        fields.Add(current.ToString());
        return string.Join(',', columns.Select(i => fields[i]));
    }

    private static Task<(int Exit, string Output, string Error)> RunAsync(string tablePrefix, IEnumerable<string> args, int? columns = null) =>
        CliProcess.RunAsync(args, new Dictionary<string, string?>
        {
            ["AcsFunctions__Storage__TablePrefix"] = tablePrefix,
            ["AcsFunctions__Storage__PayloadContainer"] = tablePrefix.ToLowerInvariant(),
            ["COLUMNS"] = columns?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
}
