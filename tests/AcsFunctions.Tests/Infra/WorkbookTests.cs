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
        Assert.All(WorkbookContract.Queries.Kinds, kind => Assert.NotEmpty(WorkbookContract.JsonFields(WorkbookContract.RowType(kind))));
    }

    [Fact]
    public void The_workbook_has_the_promised_parameters_and_charts()
    {
        var workbook = Load();
        var items = workbook["items"]!.AsArray();
        var parameters = items.Where(i => (int?)i!["type"] == 9).SelectMany(i => i!["content"]!["parameters"]!.AsArray()).ToDictionary(p => (string)p!["name"]!, p => p!);
        Assert.Equal(4, (int?)parameters["TimeRange"]["type"]);
        Assert.Equal(5, (int?)parameters["Resource"]["type"]);
        Assert.Equal(1, (int?)parameters["ApiBaseUrl"]["type"]);

        // The interval choices are exactly the API's intervals.
        var intervals = JsonNode.Parse((string)parameters["Interval"]["jsonData"]!)!.AsArray().Select(v => (string)v!["value"]!);
        Assert.Equal(QueryInterval.All.Select(i => i.Name), intervals);

        var queries = items.Where(i => (int?)i!["type"] == 3)
            .Select(i => (Name: (string)i!["name"]!, Visualization: (string?)i["content"]!["visualization"], Query: JsonNode.Parse((string)i["content"]!["query"]!)!))
            .ToList();
        string KindOf(JsonNode q) => ((string)q["url"]!).Split('/')[^1];
        string[] Columns(JsonNode q) => [.. q["transformers"]![0]!["settings"]!["columns"]!.AsArray().Select(c => (string)c!["path"]!)];

        // API requests over time by operation and by status, errors, duration percentiles.
        Assert.Contains(queries, q => KindOf(q.Query) == QueryKinds.ApiRequests && q.Visualization == "timechart" && Columns(q.Query).Contains("$.operation"));
        Assert.Contains(queries, q => KindOf(q.Query) == QueryKinds.ApiRequests && q.Visualization == "timechart" && Columns(q.Query).Contains("$.statusCode"));
        Assert.Contains(queries, q => KindOf(q.Query) == QueryKinds.ApiRequests && Columns(q.Query).Contains("$.failed") && Columns(q.Query).Contains("$.count"));
        Assert.Contains(queries, q => KindOf(q.Query) == QueryKinds.ApiRequests && new[] { "$.durationMsP50", "$.durationMsP95", "$.durationMsP99" }.All(Columns(q.Query).Contains));

        // Poor streams by reason: every reason the core can produce has a series.
        var reasons = WorkbookContract.DictionaryKeys(typeof(CallQualityRow).GetProperty(nameof(CallQualityRow.PoorReasons))!)!;
        Assert.Contains(queries, q => KindOf(q.Query) == QueryKinds.CallQuality && reasons.All(r => Columns(q.Query).Contains($"$.poorReasons['{r}']")));

        // Email delivery.
        Assert.Contains(queries, q => KindOf(q.Query) == QueryKinds.Email && Columns(q.Query).Contains("$.deliveryStatus"));
    }

    [Theory]
    [InlineData("/api/query/api-requests", "/api/query/api-request", "not a served route")]
    [InlineData("\\\"path\\\":\\\"$.operation\\\"", "\\\"path\\\":\\\"$.operationName\\\"", "no field 'operationName'")]
    [InlineData("$.poorReasons['jitter']", "$.poorReasons['latency']", "has no key 'latency'")]
    [InlineData("{\\\"key\\\":\\\"interval\\\",\\\"value\\\":\\\"{Interval}\\\"}", "{\\\"key\\\":\\\"interval\\\",\\\"value\\\":\\\"PT7M\\\"}", "rejects its parameters")]
    [InlineData("\"version\": \"Notebook/1.0\"", "\"version\": \"Notebook/2.0\"", "expected Notebook/1.0")]
    [InlineData("\"type\": 1,", "\"type\": 42,", "unknown item type 42")]
    [InlineData("{ApiBaseUrl}/api/query/email", "{ApiUrl}/api/query/email", "undeclared parameter {ApiUrl}")]
    public void A_broken_copy_is_rejected(string original, string broken, string expected)
    {
        var text = File.ReadAllText(_path);
        Assert.Contains(original, text, StringComparison.Ordinal);
        var problems = WorkbookContract.Check(JsonNode.Parse(text.Replace(original, broken, StringComparison.Ordinal))!);
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }
}
