using System.Text.Json.Nodes;
using AcsFunctions.Queries;
using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Infra;

/// <summary>
/// The shipped workbook is a valid Notebook/1.0 document whose every Custom endpoint query calls a route the API
/// serves, with parameters the API accepts, and reads only fields the API returns.
/// </summary>
public sealed class WorkbookTests
{
    private static readonly string _path = Path.Combine(RepositoryPaths.Infra, "workbook", "acs-diagnostics.workbook.json");

    private static JsonNode Load() => JsonNode.Parse(File.ReadAllText(_path)) ?? throw new InvalidOperationException($"{_path} is empty");

    [Fact]
    public void The_workbook_calls_only_served_routes_and_reads_only_returned_fields()
    {
        var problems = WorkbookContract.Check(Load());
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Every_query_kind_is_served_and_has_a_row_type()
    {
        Assert.Subset(WorkbookContract.Queries.Kinds.ToHashSet(), WorkbookContract.DeclaredKinds.Values.ToHashSet());
        Assert.All(WorkbookContract.Queries.Kinds, kind => Assert.All(
            WorkbookContract.Queries.ViewsOf(kind) is { Count: > 0 } views ? [.. views] : new string?[] { null },
            view => Assert.NotEmpty(WorkbookContract.JsonFields(WorkbookContract.RowType(kind, view)))));
    }

    [Fact]
    public void The_workbook_has_the_promised_parameters_and_charts()
    {
        var workbook = Load();
        var items = WorkbookContract.Items(workbook).ToList();
        var parameters = items.Where(i => (int?)i!["type"] == 9).SelectMany(i => i!["content"]!["parameters"]!.AsArray()).ToDictionary(p => (string)p!["name"]!, p => p!);
        Assert.Equal(4, (int?)parameters["TimeRange"]["type"]);
        Assert.Equal(5, (int?)parameters["Resource"]["type"]);
        Assert.Equal(1, (int?)parameters["ApiBaseUrl"]["type"]);

        // The interval choices are exactly the API's intervals.
        var intervals = JsonNode.Parse((string)parameters["Interval"]["jsonData"]!)!.AsArray().Select(v => (string)v!["value"]!);
        Assert.Equal(QueryInterval.All.Select(i => i.Name), intervals);

        var queries = Queries(items);

        // API requests over time by operation and by status, errors, duration percentiles.
        Assert.Contains(queries, q => KindOf(q.Query) == QueryKinds.ApiRequests && q.Visualization == "timechart" && Columns(q.Query).Contains("$.label"));
        Assert.Contains(queries, q => KindOf(q.Query) == QueryKinds.ApiRequests && q.Visualization == "timechart" && Columns(q.Query).Contains("$.statusCode"));
        // The error rate is a percentage per operation over time, computed by the API (one row per window and operation,
        // null without requests), not failed and all requests drawn side by side.
        var errors = Assert.Single(queries, q => q.Name == "api-errors");
        Assert.Equal((QueryKinds.ApiRequests, ApiRequestsQuery.OperationsView), (KindOf(errors.Query), View(errors.Query)));
        Assert.Contains(errors.Visualization, new[] { "timechart", "linechart" });
        Assert.Equal(["failedPercent"], errors.Chart!["yAxis"]!.AsArray().Select(y => (string)y!));
        Assert.Equal(("windowStart", "label"), ((string?)errors.Chart["xAxis"], (string?)errors.Chart["group"]));
        Assert.Contains("$.failedPercent", Columns(errors.Query));

        // API-request charts read the view whose rows are their series: the detail view has a row per status code,
        // operation and resource, which a chart would draw as several points per interval and series (see also
        // WorkbookChartDataTests, which runs every chart on data).
        var viewBySeries = new Dictionary<string, string>
        {
            ["label"] = ApiRequestsQuery.OperationsView,
            ["statusCode"] = ApiRequestsQuery.StatusCodesView,
            ["statusClass"] = ApiRequestsQuery.StatusClassesView,
        };
        var apiCharts = queries.Where(q => KindOf(q.Query) == QueryKinds.ApiRequests && q.Chart is not null).ToList();
        Assert.Equal(5, apiCharts.Count);
        Assert.All(apiCharts, q => Assert.Equal(viewBySeries[(string?)q.Chart!["group"] ?? ""], View(q.Query)));
        Assert.Contains(queries, q => KindOf(q.Query) == QueryKinds.ApiRequests && new[] { "$.durationMsP50", "$.durationMsP95", "$.durationMsP99" }.All(Columns(q.Query).Contains));

        // Poor streams by reason: every reason the core can produce has a series.
        var reasons = WorkbookContract.DictionaryKeys(typeof(CallQualityRow).GetProperty(nameof(CallQualityRow.PoorReasons))!)!;
        Assert.Contains(queries, q => KindOf(q.Query) == QueryKinds.CallQuality && reasons.All(r => Columns(q.Query).Contains($"$.poorReasons['{r}']")));

        // Email delivery.
        Assert.Contains(queries, q => KindOf(q.Query) == QueryKinds.Email && Columns(q.Query).Contains("$.deliveryStatus"));
    }

    [Fact]
    public void The_health_and_drift_tab_shows_pipeline_health_the_schema_changes_and_the_field_inventory()
    {
        var workbook = Load();
        var tabs = Assert.Single(workbook["items"]!.AsArray(), i => (int?)i!["type"] == 11)!;
        Assert.Equal("tabs", (string?)tabs["content"]!["style"]);
        var health = Assert.Single(tabs["content"]!["links"]!.AsArray(), l => (string?)l!["linkLabel"] == "Health & drift")!;
        Assert.Equal(("parameter", "Tab"), ((string?)health["linkTarget"], (string?)health["cellValue"]));

        // Every top-level item after the tab links belongs to one tab; the health tab is the group shown for its value.
        var afterTabs = workbook["items"]!.AsArray().SkipWhile(i => i != tabs).Skip(1).ToList();
        Assert.All(afterTabs, i => Assert.Equal((12, "Tab"), ((int?)i!["type"], (string?)i["conditionalVisibility"]?["parameterName"])));
        var group = Assert.Single(afterTabs, i => (string?)i!["conditionalVisibility"]!["value"] == (string?)health["subTarget"])!;
        var queries = Queries(WorkbookContract.Items(group["content"]!).ToList());

        var drift = Assert.Single(queries, q => KindOf(q.Query) == QueryKinds.Schema && View(q.Query) == "drift");
        Assert.Equal("table", drift.Visualization);
        Assert.Subset(Columns(drift.Query).ToHashSet(), new HashSet<string> { "$.category", "$.field", "$.change", "$.oldKinds", "$.newKinds", "$.firstSeen", "$.recordsAffected" });
        var fields = Assert.Single(queries, q => KindOf(q.Query) == QueryKinds.Schema && View(q.Query) == "fields");
        Assert.Subset(Columns(fields.Query).ToHashSet(), new HashSet<string> { "$.category", "$.field", "$.kinds", "$.count", "$.firstSeen", "$.lastSeen" });
        var pipeline = Assert.Single(queries, q => KindOf(q.Query) == QueryKinds.Health);
        Assert.Equal("table", pipeline.Visualization);
        Assert.Subset(Columns(pipeline.Query).ToHashSet(), new HashSet<string>
        {
            "$.category", "$.sourceType", "$.source", "$.records", "$.stored", "$.unclassified", "$.deadLettered", "$.lastEventTime", "$.lastEnqueuedTime",
            "$.ingestLagSecondsP50", "$.ingestLagSecondsP95", "$.deliveryLagSecondsP50", "$.deliveryLagSecondsP95", "$.rollupPendingWindows", "$.rollupOldestPendingSeconds",
        });
    }

    [Theory]
    [InlineData("/api/query/api-requests", "/api/query/api-request", "not a served route")]
    [InlineData("{\\\"key\\\":\\\"view\\\",\\\"value\\\":\\\"fields\\\"}", "{\\\"key\\\":\\\"view\\\",\\\"value\\\":\\\"columns\\\"}", "rejects its parameters for schema")]
    [InlineData("$.recordsAffected", "$.affected", "schema rows have no field 'affected'")]
    [InlineData("\"parameterName\": \"Tab\"", "\"parameterName\": \"Page\"", "visible only by undeclared parameter 'Page'")]
    [InlineData("\\\"path\\\":\\\"$.operation\\\"", "\\\"path\\\":\\\"$.operationName\\\"", "no field 'operationName'")]
    [InlineData("$.poorReasons['jitter']", "$.poorReasons['latency']", "has no key 'latency'")]
    [InlineData("{\\\"key\\\":\\\"interval\\\",\\\"value\\\":\\\"{Interval}\\\"}", "{\\\"key\\\":\\\"interval\\\",\\\"value\\\":\\\"PT7M\\\"}", "rejects its parameters")]
    [InlineData("\"version\": \"Notebook/1.0\"", "\"version\": \"Notebook/2.0\"", "expected Notebook/1.0")]
    [InlineData("\"type\": 1,", "\"type\": 42,", "unknown item type 42")]
    [InlineData("\"cellValue\": \"Tab\"", "\"cellValue\": \"Page\"", "sets undeclared parameter 'Page'")]
    [InlineData("{ApiBaseUrl}/api/query/email", "{ApiUrl}/api/query/email", "undeclared parameter {ApiUrl}")]
    [InlineData("{\\\"key\\\":\\\"x-functions-key\\\",\\\"value\\\":\\\"{ApiKey}\\\"}", "{\\\"key\\\":\\\"x-functions-token\\\",\\\"value\\\":\\\"{ApiKey}\\\"}", "does not send the function key as one x-functions-key header")]
    [InlineData("{\\\"key\\\":\\\"from\\\",", "{\\\"key\\\":\\\"code\\\",\\\"value\\\":\\\"{ApiKey}\\\"},{\\\"key\\\":\\\"from\\\",", "puts a function key in the URL")]
    public void A_broken_copy_is_rejected(string original, string broken, string expected)
    {
        var text = File.ReadAllText(_path);
        Assert.Contains(original, text, StringComparison.Ordinal);
        var problems = WorkbookContract.Check(JsonNode.Parse(text.Replace(original, broken, StringComparison.Ordinal))!);
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    private static List<(string Name, string? Visualization, JsonNode Query, JsonNode? Chart)> Queries(IEnumerable<JsonNode> items) =>
        [.. items.Where(i => (int?)i["type"] == 3)
            .Select(i => ((string)i["name"]!, (string?)i["content"]!["visualization"], JsonNode.Parse((string)i["content"]!["query"]!)!, i["content"]!["chartSettings"]))];

    private static string KindOf(JsonNode query) => ((string)query["url"]!).Split('/')[^1];

    private static string? View(JsonNode query) =>
        query["urlParams"]!.AsArray().Where(p => (string?)p!["key"] == "view").Select(p => (string?)p!["value"]).SingleOrDefault();

    private static string[] Columns(JsonNode query) => [.. query["transformers"]![0]!["settings"]!["columns"]!.AsArray().Select(c => (string)c!["path"]!)];
}
