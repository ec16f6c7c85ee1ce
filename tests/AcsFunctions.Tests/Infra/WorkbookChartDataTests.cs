using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AcsFunctions.Queries;
using AcsFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Tests.Infra;

/// <summary>
/// Every chart of the shipped workbook, run through the real query service on a synthetic stream of two ACS resources
/// (every API category, calls, email): a chart gets one row per interval and series, or it would draw several points
/// for one x and series. Charts known to fall short are listed, so the list shrinks as they are fixed and a new chart
/// cannot join it unnoticed.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class WorkbookChartDataTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset _start = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Charts whose rows are finer than their series. Empty since call volume, call quality and email delivery got their
    /// per-chart views (<c>totals</c>, <c>totals</c>, <c>delivery-status</c>) as api-requests has.
    /// </summary>
    private static readonly string[] _knownToRepeatPoints = [];

    [Fact]
    public async Task Every_chart_gets_one_row_per_interval_and_series()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await TwoResourceStream.IngestAndRollUpAsync(storage, "ACS-CHART", 21, _start, calls: 30, apiRequests: 3_000, emails: 80);
        var queries = storage.Services.GetRequiredService<QueryService>();
        var workbook = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Infra, "workbook", "acs-diagnostics.workbook.json")))!;

        var repeating = new List<string>();
        var charted = 0;
        foreach (var item in WorkbookContract.Items(workbook).Where(i => (int?)i["type"] == 3 && i["content"]?["chartSettings"]?["xAxis"] is not null))
        {
            var name = (string)item["name"]!;
            var chart = item["content"]!["chartSettings"]!;
            var query = JsonNode.Parse((string)item["content"]!["query"]!)!;
            var kind = ((string)query["url"]!).Split('/')[^1];
            var values = (query["urlParams"]?.AsArray() ?? []).ToDictionary(p => (string)p!["key"]!, p => (string?)Value((string)p!["value"]!));
            var paths = query["transformers"]![0]!["settings"]!["columns"]!.AsArray().ToDictionary(c => (string)c!["columnid"]!, c => (string)c!["path"]!);
            var rows = JsonNode.Parse((await queries.QueryAsync(kind, values)).Json)!.AsArray();
            Assert.True(rows.Count > 0, $"chart {name}: no rows from {kind} on the synthetic stream");
            charted++;

            var x = paths[(string)chart["xAxis"]!];
            var group = (string?)chart["group"] is { } g ? paths[g] : null;
            var points = rows.Select(r => (X: Read(r!, x), Series: group is null ? "" : Read(r!, group))).ToList();
            if (points.Distinct().Count() != points.Count)
            {
                repeating.Add(name);
            }
        }

        Assert.True(charted >= 9, $"only {charted} charts found");
        Assert.Equal(_knownToRepeatPoints.Order(StringComparer.Ordinal), repeating.Order(StringComparer.Ordinal));
    }

    /// <summary>The value the workbook sends: the last 10 minutes of the stream, 5-minute interval, every resource.</summary>
    private static string Value(string expression) => Parameter().Replace(expression, m => m.Value switch
    {
        "{TimeRange:startISO}" => _start.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        "{TimeRange:endISO}" => _start.AddMinutes(15).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        "{Interval}" => "PT5M",
        "{Resource:name}" => "",
        _ => throw new InvalidOperationException($"no sample value for {m.Value}"),
    });

    private static string Read(JsonNode row, string path)
    {
        var m = ColumnPath().Match(path);
        var value = row[m.Groups["field"].Value];
        if (m.Groups["key"].Success)
        {
            value = value?[m.Groups["key"].Value];
        }

        return value?.ToJsonString() ?? "null";
    }

    [GeneratedRegex(@"\{[A-Za-z]+(?::[A-Za-z]+)?\}")]
    private static partial Regex Parameter();

    [GeneratedRegex(@"^\$\.(?<field>[A-Za-z0-9]+)(?:\['(?<key>[^']+)'\])?$")]
    private static partial Regex ColumnPath();
}
