using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Dashboard;

/// <summary>
/// <c>acs-diag demo --serve</c> as a new user runs it, output redirected: the last line is the dashboard's address, the
/// page there shows the demo's data in Chromium, Ctrl+C stops it, and no table cell of the redirected output is wrapped.
/// </summary>
public sealed partial class DemoServeTests
{
    [Fact]
    public async Task Demo_serve_ends_with_the_dashboard_address_shows_the_data_and_stops_on_ctrl_c()
    {
        using var process = CliProcess.Start(["demo", "--serve", "--urls", "http://127.0.0.1:0"], new Dictionary<string, string?> { ["COLUMNS"] = null });
        var output = new StringBuilder();
        var address = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                address.TrySetException(new InvalidOperationException("the demo ended without a dashboard address"));
                return;
            }

            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (DashboardLine().Match(e.Data) is { Success: true } m)
            {
                address.TrySetResult(m.Groups["url"].Value);
            }
        };
        var error = process.StandardError.ReadToEndAsync();
        process.BeginOutputReadLine();
        try
        {
            var url = await address.Task.WaitAsync(TimeSpan.FromMinutes(3));
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            Assert.Contains("<title>ACS diagnostics", await http.GetStringAsync(new Uri(url)), StringComparison.Ordinal);

            await using var chromium = await SystemChromium.LaunchAsync();
            var errors = new List<string>();
            var page = await chromium.NewPageAsync(errors);
            await page.GotoAsync(url);
            await DashboardBrowserTests.WaitForLoadAsync(page, 0);
            Assert.True(await page.IsHiddenAsync("#empty"), "the demo's dashboard address shows the empty state");
            await DashboardBrowserTests.CheckChartsAsync(page, http, expectData: false);
            var drawn = JsonNode.Parse(await page.EvaluateAsync<string>("() => JSON.stringify(window.__charts)"))!.AsObject();
            var withPoints = drawn.Where(c => c.Value!["datasets"]!.AsArray().Any(d => d!["data"]!.AsArray().Any(v => v is not null))).Select(c => c.Key).ToList();
            Assert.Contains("api-by-operation", withPoints);
            Assert.Contains("email-delivery", withPoints);
            await DashboardBrowserTests.ScreenshotTabsAsync(page, "demo");
            Assert.Empty(errors);
        }
        finally
        {
            if (!process.HasExited)
            {
                using var interrupt = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await interrupt.WaitForExitAsync();
            }
        }

        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("acs-diag demo --serve did not stop within 60 s of Ctrl+C (SIGINT)");
            }
        }

        Assert.Equal(0, process.ExitCode);
        var text = output.ToString();
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Matches(DashboardLine(), lines[^1]);
        Assert.Contains("Serving the demo's data until Ctrl+C", await error, StringComparison.Ordinal);

        // Redirected: tables are as wide as their cells (more than 80 columns), no cell continues on a second line, ids whole.
        Assert.Empty(WrappedRows(text));
        Assert.Contains(lines, l => l.Length > 80);
        Assert.Contains("SMSDeliveryReportsReceived", text, StringComparison.Ordinal);
        Assert.Contains("341acde7-8aa5-445b-a3da-2ddadca47d22", text, StringComparison.Ordinal);
    }

    /// <summary>
    /// Table body lines with a blank first or last cell and some text: how Spectre draws the rest of a cell it wrapped
    /// (every table of the demo fills its first and last column: a name, a day or an id, then a count or "–").
    /// </summary>
    internal static List<string> WrappedRows(string output)
    {
        var wrapped = new List<string>();
        var body = false;
        foreach (var line in output.Split('\n').Select(l => l.TrimEnd('\r')))
        {
            var trimmed = line.TrimStart();
            if (trimmed.StartsWith('├'))
            {
                body = true;
            }
            else if (trimmed.StartsWith('└') || trimmed.StartsWith('┌'))
            {
                body = false;
            }
            else if (body && trimmed.StartsWith('│'))
            {
                var cells = trimmed.Trim('│').Split('│');
                if ((string.IsNullOrWhiteSpace(cells[0]) || string.IsNullOrWhiteSpace(cells[^1])) && cells.Any(c => !string.IsNullOrWhiteSpace(c)))
                {
                    wrapped.Add(line);
                }
            }
        }

        return wrapped;
    }

    [Fact]
    public void WrappedRows_finds_a_cell_Spectre_wrapped()
    {
        const string Wrapped = """
            ┌────────────┬──────────┐
            │ Operation  │ Requests │
            ├────────────┼──────────┤
            │ SMSDeliver │        3 │
            │ yReportsRe │          │
            │ ceived     │          │
            │ CreateCall │        1 │
            └────────────┴──────────┘
            """;
        Assert.Equal(2, WrappedRows(Wrapped).Count);
        Assert.Empty(WrappedRows(Wrapped.Replace("│ yReportsRe │          │\n", string.Empty, StringComparison.Ordinal).Replace("│ ceived     │          │\n", string.Empty, StringComparison.Ordinal)));
    }

    [GeneratedRegex(@"^Dashboard \(.*\): (?<url>http://127\.0\.0\.1:\d+/\S*)$")]
    private static partial Regex DashboardLine();
}
