using System.Text.Json;
using System.Text.RegularExpressions;
using AcsFunctions.Cli;
using AcsFunctions.Cli.Output;
using AcsFunctions.Queries;
using AcsFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static AcsFunctions.Tests.Rollups.RollupTestData;

namespace AcsFunctions.Tests.Cli;

/// <summary>
/// <c>acs-diag query</c>'s renderers: CSV carries exactly the values of the JSON (no rounding, invariant culture, no
/// grouping), an empty answer still has its header, table titles name an interval only for windowed kinds and stay
/// readable without rows, and <c>--help</c> names every view the parser accepts.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class QueryOutputTests(AzuriteFixture azurite)
{
    public sealed record Numbers(
        string Name,
        int Int,
        long Long,
        double Double,
        double? Missing,
        double NotFinite,
        float Float,
        decimal Decimal,
        bool Flag,
        bool? NoFlag,
        DateTimeOffset Time,
        IReadOnlyDictionary<string, double> Map);

    public static TheoryData<double> Doubles => new() { 0.156114, 0.0009624, 0.0004, 0.00049999, 1234567.891, 1e-7, 1e21, -0.25, 123456789012.5, double.Epsilon, 0.1 + 0.2 };

    [Theory]
    [MemberData(nameof(Doubles))]
    public void Csv_CarriesEveryValueAsTheJsonHasIt(double value)
    {
        var row = new Numbers(
            "x", 1234567, 9_876_543_210L, value, null, double.NaN, 0.1f, 1234567.0000001m, true, null,
            new DateTimeOffset(2026, 11, 20, 10, 0, 0, 500, TimeSpan.Zero), new Dictionary<string, double> { ["a"] = value, ["b"] = 2 });

        var (header, cells) = Csv([row]);
        using var json = JsonDocument.Parse(QueryJson.Serialize([row]));

        var fields = json.RootElement[0].EnumerateObject().ToList();
        Assert.Equal(fields.Select(f => f.Name), header);
        for (var i = 0; i < fields.Count; i++)
        {
            Assert.Equal(JsonCell(fields[i].Value), cells[0][i]);
        }

        Assert.Equal(value, double.Parse(cells[0][header.IndexOf("double")], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Csv_WithoutRows_WritesTheHeaderOfTheRowType()
    {
        using var empty = new StringWriter();
        using var one = new StringWriter();

        QueryOutput.WriteCsv([], empty, typeof(Numbers));
        QueryOutput.WriteCsv([new Numbers("x", 1, 1, 1, null, 1, 1, 1, false, null, DateTimeOffset.UnixEpoch, new Dictionary<string, double>())], one);

        Assert.Equal(one.ToString().Split(Environment.NewLine)[0] + Environment.NewLine, empty.ToString());
    }

    [Fact]
    public async Task Csv_OfEveryApiRequestsView_CarriesTheJsonValues()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([Body([Request(Start, 10.123456), Request(Start, 20.987654, status: "500"), Request(Start.AddMinutes(1), 0.000321)])]);
        await RollupAsync(storage);
        var queries = storage.Services.GetRequiredService<QueryService>();

        foreach (var view in queries.ViewsOf(QueryKinds.ApiRequests))
        {
            var result = await queries.QueryAsync(QueryKinds.ApiRequests, new Dictionary<string, string?> { ["from"] = Iso(Start), ["to"] = Iso(Start.AddHours(1)), ["interval"] = "PT1H", ["view"] = view });
            Assert.NotEmpty(result.Rows);
            var (header, cells) = Csv(result.Rows);
            using var json = JsonDocument.Parse(result.Json);
            var rows = json.RootElement.EnumerateArray().ToList();
            Assert.Equal(rows.Count, cells.Count);
            for (var r = 0; r < rows.Count; r++)
            {
                foreach (var field in rows[r].EnumerateObject().Where(f => f.Value.ValueKind == JsonValueKind.Number))
                {
                    Assert.Equal(field.Value.GetRawText(), cells[r][header.IndexOf(field.Name)]);
                }
            }
        }
    }

    [Fact]
    public async Task EveryKindAndView_NamesItsRowType_SoAnEmptyCsvHasItsHeader()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var kinds = storage.Services.GetServices<IQueryKind>().ToList();

        Assert.All(kinds, k => Assert.All(k.Views.Count > 0 ? k.Views.Select(v => (string?)v) : [null], v => Assert.True(k.RowType(v) is not null, $"{k.Name} view {v ?? "(none)"}")));

        var queries = storage.Services.GetRequiredService<QueryService>();
        var result = await queries.QueryAsync("reconciliation", new Dictionary<string, string?> { ["from"] = "now-1h", ["to"] = "now" });
        Assert.Empty(result.Rows);
        using var csv = new StringWriter();
        QueryOutput.WriteCsv(result.Rows, csv, result.RowType);
        Assert.StartsWith("windowStart,resourceId,resourceName,metric,", csv.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryKindAndView_RowTypeIsTheTypeOfItsRows_ItsFieldsAreTheJsonRows_AndItsCsvWithoutRowsHasTheHeaderOfItsRows()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var generated = AcsFunctions.Generation.SyntheticStream.Create(new AcsFunctions.Generation.GeneratorOptions
        {
            Calls = 6, ApiRequests = 200, Emails = 30, Minutes = 3 * 60, Seed = 29, Start = new DateTimeOffset(2026, 11, 23, 4, 0, 0, TimeSpan.Zero),
            Malformed = 0.03, Updates = 0.5,
        }).Bodies().Select(b => b.ToEventBody());
        string[] samples = ["api-requests.json", "group-call.json", "p2p-call.json", "email.json", "usage.json", "call-client.json"];
        await storage.Pipeline.IngestAsync([.. generated, .. samples.Select(Samples.Body)]);
        await RollupAsync(storage);
        // One stored reconciliation hour, as the ReconcileHours timer saves it, so that kind answers rows too.
        await storage.Services.GetRequiredService<AcsFunctions.Reconcile.ReconcileResultStore>().SaveAsync(
            new AcsFunctions.Reconcile.ReconcileReport
            {
                ResourceId = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Communication/CommunicationServices/acs-rows",
                From = new DateTimeOffset(2026, 11, 23, 5, 0, 0, TimeSpan.Zero), To = new DateTimeOffset(2026, 11, 23, 6, 0, 0, TimeSpan.Zero), Grain = TimeSpan.FromHours(1),
                Rows = [new AcsFunctions.Reconcile.ReconcileReportRow { Metric = "APIRequestChat", Category = "ACSChatIncomingOperations", Operation = "SendChatMessage", StatusCode = "201", Platform = 3, Ours = 2 }],
            },
            new DateTimeOffset(2026, 11, 23, 6, 20, 0, TimeSpan.Zero));
        var queries = storage.Services.GetRequiredService<QueryService>();
        (string From, string To)[] ranges = [("2026-11-23", "2026-11-24"), ("2021-07-01", "2021-07-31"), ("2024-01-01", "2024-01-31"), ("2001-01-01", "2001-01-02")];

        // Every kind the services answer (one without views has the one shape, view null), not only those with views.
        foreach (var (kind, views) in storage.Services.GetServices<IQueryKind>().Select(k => (k.Name, k.Views.Count > 0 ? k.Views.Select(v => (string?)v) : [null])))
        {
            foreach (var view in views)
            {
                string? header = null;
                var emptyHeaders = new List<string>();
                foreach (var (from, to) in ranges)
                {
                    var result = await queries.QueryAsync(kind, new Dictionary<string, string?> { ["from"] = from, ["to"] = to, ["view"] = view });
                    using var none = new StringWriter();
                    QueryOutput.WriteCsv([], none, result.RowType);
                    if (result.Rows.Count == 0)
                    {
                        emptyHeaders.Add(none.ToString()); // what an empty answer of this view writes
                        continue;
                    }

                    Assert.All(result.Rows, r => Assert.True(r.GetType() == result.RowType, $"{kind} view {view}: RowType {result.RowType?.Name ?? "null"}, a row is {r.GetType().Name}"));
                    // The declared row type's fields (what a workbook column or an empty CSV is built from) are exactly
                    // the fields every JSON row of the answer carries.
                    var declared = AcsFunctions.Tests.Infra.WorkbookContract.JsonFields(result.RowType!).Keys.Order(StringComparer.Ordinal).ToList();
                    using var json = JsonDocument.Parse(QueryJson.Serialize(result.Rows));
                    Assert.All(json.RootElement.EnumerateArray(), row => Assert.True(
                        row.EnumerateObject().Select(f => f.Name).Order(StringComparer.Ordinal).SequenceEqual(declared),
                        $"{kind} view {view}: {result.RowType!.Name} declares {string.Join(",", declared)}; a JSON row carries {string.Join(",", row.EnumerateObject().Select(f => f.Name))}"));
                    using var csv = new StringWriter();
                    QueryOutput.WriteCsv(result.Rows, csv);
                    header = csv.ToString().Split(Environment.NewLine)[0] + Environment.NewLine;
                    Assert.Equal(header, none.ToString());
                }

                Assert.True(header is not null, $"{kind} view {view} answered no rows in any range: its row type was not checked");
                Assert.All(emptyHeaders, h => Assert.True(h == header, $"{kind} view {view}: without rows the CSV is\n{h}with rows its header is\n{header}"));
            }
        }
    }

    [Fact]
    public async Task Title_NamesAnIntervalOnlyForKindsThatTakeOne()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var queries = storage.Services.GetRequiredService<QueryService>();
        var range = new Dictionary<string, string?> { ["from"] = Iso(Start), ["to"] = Iso(Start.AddHours(1)) };

        var calls = QueryOutput.Title(await queries.QueryAsync(QueryKinds.Calls, range));
        var deadLetters = QueryOutput.Title(await queries.QueryAsync(QueryKinds.DeadLetters, range));
        var usage = QueryOutput.Title(await queries.QueryAsync(QueryKinds.Usage, new Dictionary<string, string?>(range) { ["interval"] = "PT1H" }));
        var operations = QueryOutput.Title(await queries.QueryAsync(QueryKinds.ApiRequests, new Dictionary<string, string?>(range) { ["view"] = "operations" }));

        Assert.DoesNotContain("PT1M", calls, StringComparison.Ordinal);
        Assert.DoesNotContain("PT1M", deadLetters, StringComparison.Ordinal);
        Assert.EndsWith("UTC", calls, StringComparison.Ordinal);
        Assert.EndsWith("UTC, PT1H", usage, StringComparison.Ordinal);
        Assert.EndsWith("UTC, PT1M, view operations", operations, StringComparison.Ordinal);
    }

    [Fact]
    public void Table_WithoutRows_ShowsItsWholeTitle()
    {
        const string Title = "[bold]reconciliation[/] 2026-11-20 09:14–2026-11-20 10:14 UTC";

        var text = Reliability.OutputEscapingTests.Render(QueryOutput.Table([], Title), width: 100);

        Assert.Contains("reconciliation 2026-11-20 09:14–2026-11-20 10:14 UTC", text, StringComparison.Ordinal);
        Assert.Contains("(no rows)", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryHelp_NamesEveryKindAndEveryViewTheParserAccepts()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var queries = storage.Services.GetRequiredService<QueryService>();
        using var output = new StringWriter();

        var exit = CliRunner.CreateRoot().Parse(["query", "--help"]).Invoke(new System.CommandLine.InvocationConfiguration { Output = output });
        var help = Regex.Replace(output.ToString(), @"\s+", " ");

        Assert.Equal(0, exit);
        foreach (var kind in queries.Kinds)
        {
            Assert.Contains(kind, help, StringComparison.Ordinal);
            var views = queries.ViewsOf(kind);
            if (views.Count > 0)
            {
                Assert.Contains($"{kind}: {views[0]} (default), {string.Join(", ", views.Skip(1))}", help, StringComparison.Ordinal);
            }
        }

        Assert.Equal(queries.Kinds.Where(k => queries.ViewsOf(k).Count > 0).Order(StringComparer.Ordinal), QueryKinds.Views.Select(v => v.Kind).Order(StringComparer.Ordinal));
    }

    private static string Iso(DateTimeOffset time) => time.ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The CSV of <paramref name="rows"/>: the header's names and each row's cells (no quoted cells in these rows).</summary>
    private static (List<string> Header, List<string[]> Cells) Csv(IReadOnlyList<object> rows)
    {
        using var writer = new StringWriter();
        QueryOutput.WriteCsv(rows, writer);
        var lines = writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        return ([.. lines[0].Split(',')], [.. lines[1..].Select(l => l.Split(','))]);
    }

    /// <summary>What a JSON value is as a CSV cell: numbers and booleans as their JSON text, null empty, strings as they are, a map as <c>key=value;…</c>.</summary>
    private static string JsonCell(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => string.Empty,
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Object => string.Join(';', value.EnumerateObject().Select(p => $"{p.Name}={p.Value.GetRawText()}")),
        _ => value.GetRawText(),
    };
}
