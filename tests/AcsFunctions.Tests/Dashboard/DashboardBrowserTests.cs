using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AcsFunctions.Cli.Serve;
using AcsFunctions.Queries;
using AcsFunctions.Tests.Infra;
using AcsFunctions.Tests.Infrastructure;
using AcsFunctions.Tests.Retention;
using AcsFunctions.Tests.Rollups;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace AcsFunctions.Tests.Dashboard;

/// <summary>
/// The dashboard of <c>acs-diag serve</c> in headless Chromium, against the real API on Azurite with a generated stream of
/// two ACS resources: every workbook chart is drawn from the same kind and view as in the workbook, with exactly the
/// points of the API's JSON for the page's range; tables hold the API's rows; switching resource and range refetches;
/// an empty store shows what to run; no console errors. A screenshot of each tab is kept in TestResults/screenshots.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class DashboardBrowserTests(AzuriteFixture azurite)
{
    private static readonly string[] _tabs = ["api", "calls", "email", "records", "health"];

    [Fact]
    public async Task Every_chart_draws_the_APIs_points_and_resource_and_range_switches_refetch()
    {
        // Recent data, so that the health tab (ingest hours) and the traffic tabs (event windows) share one range.
        var now = TimeProvider.System.GetUtcNow();
        var start = QueryInterval.OneMinute.Floor(now.AddMinutes(-40));
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        storage.Time.SetUtcNow(now);
        await TwoResourceStream.IngestAndRollUpAsync(storage, "ACS-DASH", 31, start, calls: 20, apiRequests: 800, emails: 60);
        await using var session = await Session.OpenAsync(storage);
        var (baseUrl, http, page, errors) = (session.BaseUrl, session.Http, session.Page, session.Errors);
        var apiRequests = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/api/query/", StringComparison.Ordinal))
            {
                lock (apiRequests)
                {
                    apiRequests.Add(request.Url);
                }
            }
        };

        var from = Iso(start.AddMinutes(-5));
        var to = Iso(QueryInterval.OneMinute.Floor(now).AddMinutes(5));
        await page.GotoAsync(new Uri(baseUrl, $"?from={from}&to={to}").ToString());
        var loads = await WaitForLoadAsync(page, 0);

        var charts = await CheckChartsAsync(page, http, expectData: true);
        Assert.True(charts >= 9, $"only {charts} workbook charts checked");
        await CheckTablesAsync(page, http);
        Assert.All(await ChartUrlsAsync(page), u => Assert.Contains("interval=PT1M", u, StringComparison.Ordinal));
        Assert.Contains("ACS-DASH-TWO", await page.InnerTextAsync("#resource"), StringComparison.Ordinal);
        Assert.True(await page.IsHiddenAsync("#empty"), "the empty state shows although the range holds data");
        Assert.Equal(0, await page.Locator(".card .expired:visible").CountAsync());
        await ScreenshotTabsAsync(page, "dashboard");

        // Another resource: every chart refetches with resource=…, and still draws the API's points.
        var before = apiRequests.Count;
        await page.SelectOptionAsync("#resource", "ACS-DASH-TWO");
        loads = await WaitForLoadAsync(page, loads);
        Assert.True(apiRequests.Skip(before).Count(u => u.Contains("resource=ACS-DASH-TWO", StringComparison.Ordinal)) >= charts);
        Assert.All(await ChartUrlsAsync(page), u => Assert.Contains("resource=ACS-DASH-TWO", u, StringComparison.Ordinal));
        await CheckChartsAsync(page, http, expectData: true);

        // Another range (the last 4 hours, to now): refetched with the new range and interval.
        before = apiRequests.Count;
        await page.SelectOptionAsync("#range", "4h");
        loads = await WaitForLoadAsync(page, loads);
        Assert.True(apiRequests.Skip(before).Count(u => !u.Contains($"from={Uri.EscapeDataString(from)}", StringComparison.Ordinal)) >= charts);
        Assert.All(await ChartUrlsAsync(page), u => Assert.Contains("interval=PT5M", u, StringComparison.Ordinal));
        await CheckChartsAsync(page, http, expectData: true);

        // A custom range typed in UTC: back to the stream's range.
        await page.SelectOptionAsync("#range", "custom");
        loads = await WaitForLoadAsync(page, loads);
        await page.FillAsync("#from", from.Replace('T', ' ').TrimEnd('Z'));
        await page.FillAsync("#to", to.Replace('T', ' ').TrimEnd('Z'));
        await page.ClickAsync("#apply");
        await WaitForLoadAsync(page, loads);
        Assert.All(await ChartUrlsAsync(page), u => Assert.Contains($"from={Uri.EscapeDataString(from.Replace("Z", ":00Z", StringComparison.Ordinal))}", u, StringComparison.Ordinal));
        Assert.Equal(charts, await CheckChartsAsync(page, http, expectData: true));

        Assert.Empty(errors);
    }

    [Fact]
    public async Task An_empty_store_shows_the_empty_state_saying_what_to_run()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await using var session = await Session.OpenAsync(storage);
        var (baseUrl, http, page, errors) = (session.BaseUrl, session.Http, session.Page, session.Errors);

        await page.GotoAsync(new Uri(baseUrl, "?from=2026-11-20T00:00Z&to=2026-11-21T00:00Z").ToString());
        await WaitForLoadAsync(page, 0);

        Assert.True(await page.IsVisibleAsync("#empty"), "no empty state on an empty store");
        var text = await page.InnerTextAsync("#empty");
        Assert.Contains("acs-diag demo --serve", text, StringComparison.Ordinal);
        Assert.Contains("acs-diag rollup", text, StringComparison.Ordinal);
        Assert.True(await CheckChartsAsync(page, http, expectData: false) >= 9, "the workbook's charts are not all on the page");
        Assert.True(await page.Locator("#panel-api .nodata").CountAsync() >= 5, "the API tab's charts do not say they have no data");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(SystemChromium.ScreenshotDirectory, "dashboard-empty.png"), FullPage = true });

        // A relative range refreshes by itself (every 30 s; here every second), as roll-ups keep landing.
        await page.GotoAsync(new Uri(baseUrl, "?range=1h&refresh=1").ToString());
        Assert.True(await page.IsCheckedAsync("#auto"), "auto-refresh is off for a relative range");
        await WaitForLoadAsync(page, 2);
        Assert.Empty(errors);
    }

    /// <summary>
    /// A range whose rows retention has deleted (minute rows older than <c>MinuteAggregates</c>) shows a note above every
    /// windowed chart and table, from the API's <c>AcsFunctions-Expired</c> header, instead of an empty chart that reads as
    /// zero traffic and an empty state saying nothing is stored; the same stretch at whole hours (hourly rows, kept) has
    /// its data and no note.
    /// </summary>
    [Fact]
    public async Task A_range_whose_rows_retention_deleted_says_so_above_each_chart()
    {
        var start = RollupTestData.Start; // 10:00; 90 minutes of requests
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([RollupTestData.Body(Enumerable.Range(0, 90).Select(i => RollupTestData.Request(start.AddMinutes(i), 40 + i)))]);
        await RollupTestData.RollupAsync(storage);
        storage.Time.SetUtcNow(start.AddDays(20)); // past MinuteAggregates (14 days), not past HourlyAggregates
        await RetentionTestData.RunAsync(storage);
        await using var session = await Session.OpenAsync(storage);
        var (baseUrl, page, errors) = (session.BaseUrl, session.Page, session.Errors);

        // One hour: read per minute, and every minute row is gone.
        await page.GotoAsync(new Uri(baseUrl, "?from=2026-11-20T10:30Z&to=2026-11-20T11:30Z&tab=api").ToString());
        await WaitForLoadAsync(page, 0);
        foreach (var card in new[] { "api-by-operation", "api-p95", "api-duration" })
        {
            var note = page.Locator($"#card-{card} .expired");
            Assert.True(await note.IsVisibleAsync(), $"{card}: no note for the deleted minute rows");
            var text = await note.InnerTextAsync();
            Assert.Contains("Retention has been deleting the minute rows of 2026-11-20 10:30 – 2026-11-20 11:30 UTC (older than MinuteAggregates)", text, StringComparison.Ordinal);
            Assert.Contains("not zero traffic", text, StringComparison.Ordinal);
            Assert.Contains("Ranges over 12 h from and to whole hours read the hourly rows", text, StringComparison.Ordinal);
        }

        Assert.False(await page.IsVisibleAsync("#empty") && (await page.InnerTextAsync("#empty")).Contains("Nothing stored", StringComparison.Ordinal), "the empty state says nothing is stored where retention deleted the rows");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(SystemChromium.ScreenshotDirectory, "dashboard-expired.png"), FullPage = true });

        // A whole day: read per hour from the kept hourly rows; the requests are drawn, no note.
        await page.GotoAsync(new Uri(baseUrl, "?from=2026-11-20T00:00Z&to=2026-11-21T00:00Z&tab=api").ToString());
        await WaitForLoadAsync(page, 0);
        Assert.Equal(0, await page.Locator(".card .expired:visible").CountAsync());
        var drawn = JsonNode.Parse(await page.EvaluateAsync<string>("() => JSON.stringify(window.__charts['api-by-operation'])"))!;
        Assert.Equal(90, drawn["datasets"]!.AsArray().Sum(d => d!["data"]!.AsArray().Sum(v => v?.GetValue<double>() ?? 0)));
        Assert.Empty(errors);
    }

    /// <summary>
    /// Once retention has run, the long presets still read only kept rows: they start on a whole hour (the 30-day one on a
    /// whole day), so no note shows in the normal view. Before, "last 30 days" started on a whole minute, read its first
    /// partial hour from minute rows retention had deleted, and showed the note above every chart.
    /// </summary>
    [Fact]
    public async Task The_long_presets_start_on_whole_hours_or_days_and_show_no_note_after_retention()
    {
        var start = RollupTestData.Start; // 2026-11-20 10:00; 90 minutes of requests
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([RollupTestData.Body(Enumerable.Range(0, 90).Select(i => RollupTestData.Request(start.AddMinutes(i), 40 + i)))]);
        await RollupTestData.RollupAsync(storage);
        storage.Time.SetUtcNow(start.AddDays(20)); // minute rows before 2026-11-26 deleted
        await RetentionTestData.RunAsync(storage);
        await using var session = await Session.OpenAsync(storage);
        var (baseUrl, page, errors) = (session.BaseUrl, session.Page, session.Errors);
        await page.Clock.SetFixedTimeAsync(start.AddDays(20).AddHours(3).AddSeconds(150).UtcDateTime); // 2026-12-10 13:02:30, not a whole hour

        await page.GotoAsync(new Uri(baseUrl, "?range=30d&tab=api").ToString());
        await WaitForLoadAsync(page, 0);
        Assert.Equal(0, await page.Locator(".card .expired:visible").CountAsync());
        Assert.StartsWith("2026-11-10 00:00 – 2026-12-10 13:03 UTC · interval 1 day", await page.InnerTextAsync("#status"), StringComparison.Ordinal);
        var drawn = JsonNode.Parse(await page.EvaluateAsync<string>("() => JSON.stringify(window.__charts['api-by-operation'])"))!;
        Assert.Equal(90, drawn["datasets"]!.AsArray().Sum(d => d!["data"]!.AsArray().Sum(v => v?.GetValue<double>() ?? 0)));

        await page.GotoAsync(new Uri(baseUrl, "?range=7d&tab=api").ToString());
        await WaitForLoadAsync(page, 0);
        Assert.StartsWith("2026-12-03 13:00 – 2026-12-10 13:03 UTC · interval 1 hour", await page.InnerTextAsync("#status"), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator(".card .expired:visible").CountAsync());
        Assert.Empty(errors);
    }

    /// <summary>Clicks through every tab and keeps a full-page screenshot of each.</summary>
    internal static async Task ScreenshotTabsAsync(IPage page, string prefix)
    {
        foreach (var tab in _tabs)
        {
            await page.ClickAsync($"#tab-{tab}");
            Assert.True(await page.IsVisibleAsync($"#panel-{tab}"), $"tab {tab} does not show its panel");
            await page.WaitForTimeoutAsync(300);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(SystemChromium.ScreenshotDirectory, $"{prefix}-{tab}.png"), FullPage = true });
        }
    }

    /// <summary>Waits until the page has finished its load after <paramref name="loads"/> earlier ones; returns the count.</summary>
    internal static async Task<int> WaitForLoadAsync(IPage page, int loads)
    {
        await page.WaitForFunctionAsync(
            "n => window.__dashboard && window.__dashboard.ready && window.__dashboard.loads > n",
            loads,
            new PageWaitForFunctionOptions { Timeout = 60_000 });
        return await page.EvaluateAsync<int>("() => window.__dashboard.loads");
    }

    /// <summary>
    /// Every chart of the workbook, as the dashboard drew it: the same kind and view, and exactly the points (x, series,
    /// value) that the workbook's columns read from the API's JSON for the page's URL. Returns the charts checked.
    /// </summary>
    internal static async Task<int> CheckChartsAsync(IPage page, HttpClient http, bool expectData)
    {
        var drawn = JsonNode.Parse(await page.EvaluateAsync<string>("() => JSON.stringify(window.__charts)"))!.AsObject();
        var checkedCharts = 0;
        foreach (var item in WorkbookItems().Where(i => i["content"]?["chartSettings"]?["xAxis"] is not null))
        {
            var name = (string)item["name"]!;
            var settings = item["content"]!["chartSettings"]!;
            var query = JsonNode.Parse((string)item["content"]!["query"]!)!;
            var columns = query["transformers"]![0]!["settings"]!["columns"]!.AsArray().ToDictionary(c => (string)c!["columnid"]!, c => (string)c!["path"]!);
            var chart = drawn[name] ?? throw new Xunit.Sdk.XunitException($"the dashboard has no chart '{name}' (workbook chart)");
            var url = (string)chart["url"]!;
            AssertSameQuery(name, query, url);

            var rows = JsonNode.Parse(await http.GetStringAsync(new Uri(url, UriKind.Relative)))!.AsArray();
            var x = columns[(string)settings["xAxis"]!];
            var expected = new List<string>();
            foreach (var row in rows)
            {
                if ((string?)settings["group"] is { } group)
                {
                    var y = columns[(string)settings["yAxis"]![0]!];
                    expected.Add(Point(Read(row!, x), Read(row!, columns[group]), ReadNode(row!, y)));
                }
                else
                {
                    expected.AddRange(settings["yAxis"]!.AsArray().Select(y => Point(Read(row!, x), (string)y!, ReadNode(row!, columns[(string)y!]))));
                }
            }

            var labels = chart["labels"]!.AsArray().Select(l => (string)l!).ToList();
            var actual = chart["datasets"]!.AsArray().SelectMany(d => d!["data"]!.AsArray().Select((v, i) => Point(labels[i], (string)d["series"]!, v))).ToList();
            expected.RemoveAll(p => p.EndsWith("=null", StringComparison.Ordinal));
            actual.RemoveAll(p => p.EndsWith("=null", StringComparison.Ordinal));
            Assert.True(expected.Order(StringComparer.Ordinal).SequenceEqual(actual.Order(StringComparer.Ordinal)), $"chart {name}: drawn points differ from the API's JSON at {url}\nexpected: {string.Join(" ", expected.Order(StringComparer.Ordinal).Take(12))}\nactual:   {string.Join(" ", actual.Order(StringComparer.Ordinal).Take(12))}");
            if (expectData)
            {
                Assert.True(actual.Count > 0, $"chart {name}: no points at {url}");
                Assert.Equal(1, await page.Locator($"#card-{name} canvas").CountAsync());
            }

            checkedCharts++;
        }

        return checkedCharts;
    }

    /// <summary>Every table of the workbook: the same kind and view, and as many rows as the API answers.</summary>
    internal static async Task CheckTablesAsync(IPage page, HttpClient http)
    {
        var tables = JsonNode.Parse(await page.EvaluateAsync<string>("() => JSON.stringify(window.__tables)"))!.AsObject();
        foreach (var item in WorkbookItems().Where(i => (string?)i["content"]?["visualization"] == "table"))
        {
            var name = (string)item["name"]!;
            var table = tables[name] ?? throw new Xunit.Sdk.XunitException($"the dashboard has no table '{name}' (workbook grid)");
            var url = (string)table["url"]!;
            AssertSameQuery(name, JsonNode.Parse((string)item["content"]!["query"]!)!, url);
            var rows = JsonNode.Parse(await http.GetStringAsync(new Uri(url, UriKind.Relative)))!.AsArray();
            Assert.Equal(rows.Count, (int)table["rows"]!);
            var shown = await page.Locator($"#card-{name} tbody tr").CountAsync();
            Assert.Equal(Math.Min(rows.Count, 500), shown);
        }
    }

    private static async Task<List<string>> ChartUrlsAsync(IPage page) =>
        JsonNode.Parse(await page.EvaluateAsync<string>("() => JSON.stringify(Object.values(window.__charts).map(c => c.url))"))!.AsArray().Select(u => (string)u!).ToList();

    private static void AssertSameQuery(string name, JsonNode workbookQuery, string url)
    {
        var kind = ((string)workbookQuery["url"]!).Split('/')[^1];
        var view = workbookQuery["urlParams"]!.AsArray().Where(p => (string?)p!["key"] == "view").Select(p => (string?)p!["value"]).SingleOrDefault();
        var parameters = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(new Uri("http://x/"), url).Query);
        Assert.StartsWith($"api/query/{kind}?", url, StringComparison.Ordinal);
        Assert.True(parameters.TryGetValue("view", out var v) ? v.ToString() == view : view is null, $"{name}: view {v} at {url}, the workbook uses {view ?? "(none)"}");
    }

    private static IEnumerable<JsonNode> WorkbookItems() =>
        WorkbookContract.Items(JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Infra, "workbook", "acs-diagnostics.workbook.json")))!)
            .Where(i => (int?)i["type"] == 3);

    private static string Point(string x, string series, JsonNode? value) =>
        $"{x}|{series}={(value is null ? "null" : value.GetValueKind() == JsonValueKind.Number ? value.GetValue<double>().ToString("R", CultureInfo.InvariantCulture) : value.ToJsonString())}";

    private static string Read(JsonNode row, string path) => ReadNode(row, path) switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        var n => n.ToJsonString(),
    };

    private static JsonNode? ReadNode(JsonNode row, string path)
    {
        var m = ColumnPath().Match(path);
        Assert.True(m.Success, $"unexpected workbook column path {path}");
        var value = row[m.Groups["field"].Value];
        return m.Groups["key"].Success ? value?[m.Groups["key"].Value] : value;
    }

    private static string Iso(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture);

    /// <summary><c>acs-diag serve</c>'s app over a test storage, an HTTP client to it, and a Chromium page recording errors.</summary>
    private sealed class Session : IAsyncDisposable
    {
        private WebApplication _app = null!;
        private SystemChromium _chromium = null!;

        public Uri BaseUrl { get; private set; } = null!;

        public HttpClient Http { get; private set; } = null!;

        public IPage Page { get; private set; } = null!;

        public List<string> Errors { get; } = [];

        public static async Task<Session> OpenAsync(TestStorage storage)
        {
            var session = new Session { _app = QueryApi.Build(storage.Services.GetRequiredService<QueryService>(), "http://127.0.0.1:0", []) };
            await session._app.StartAsync();
            session.BaseUrl = new Uri(session._app.Urls.First() + "/");
            session.Http = new HttpClient { BaseAddress = session.BaseUrl };
            session._chromium = await SystemChromium.LaunchAsync();
            session.Page = await session._chromium.NewPageAsync(session.Errors);
            return session;
        }

        public async ValueTask DisposeAsync()
        {
            if (_chromium is not null)
            {
                await _chromium.DisposeAsync();
            }

            Http?.Dispose();
            await _app.DisposeAsync();
        }
    }

    [GeneratedRegex(@"^\$\.(?<field>[A-Za-z0-9]+)(?:\['(?<key>[^']+)'\])?$")]
    private static partial Regex ColumnPath();
}
