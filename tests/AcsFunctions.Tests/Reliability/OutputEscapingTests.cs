using System.Text.Json;
using AcsFunctions.Cli.Output;
using AcsFunctions.Queries;
using AcsFunctions.Tests.Infrastructure;
using Spectre.Console;
using static AcsFunctions.Tests.Rollups.RollupTestData;

namespace AcsFunctions.Tests.Reliability;

/// <summary>
/// Terminal and CSV output of values from the data (issue 15, finding 11): control characters (ANSI escapes, C1,
/// bidirectional overrides, CR/LF) are printed as visible escapes in tables; CSV text cells that a spreadsheet would run
/// as a formula (<c>= + - @</c>, tab, CR first) get a leading <c>'</c>, while numbers — also negative ones — stay numbers.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class OutputEscapingTests(AzuriteFixture azurite)
{
    private const string Recolour = "\u001b[5;35mPWNED\u001b[0m";
    private const string SetTitle = "\u001b]0;owned\u0007";

    public sealed record Row(string Name, long Count, double Ratio);

    [Theory]
    [InlineData(Recolour, "\\x1B[5;35mPWNED\\x1B[0m")]
    [InlineData(SetTitle, "\\x1B]0;owned\\x07")]
    [InlineData("\u009b31mC1", "\\x9B31mC1")]
    [InlineData("abc\u202Efdp.exe", "abc\\u202Efdp.exe")]
    [InlineData("line\r\noverwrite", "line\\r\\noverwrite")]
    [InlineData("tab\there", "tab\\there")]
    [InlineData("bell\u0007del\u007f", "bell\\x07del\\x7F")]
    [InlineData("[red]markup[/] é ü 東京", "[red]markup[/] é ü 東京")]
    public void Table_ShowsControlCharactersAsEscapes(string value, string shown)
    {
        var text = Render(QueryOutput.Table([new Row(value, 1, 0.5)], "t"));

        Assert.DoesNotContain(text, c => TerminalText.IsUnsafe(c) && c != '\n');
        Assert.Contains(shown, text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://evil.example\",\"x\")", "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\"")]
    [InlineData("=1+2", "'=1+2")]
    [InlineData("+1+2", "'+1+2")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("-1+cmd|' /C calc'!A0", "'-1+cmd|' /C calc'!A0")]
    [InlineData("@SUM(A1:A2)", "'@SUM(A1:A2)")]
    [InlineData("\t=1+2", "'\t=1+2")]
    [InlineData("\r=1+2", "\"'\r=1+2\"")]
    [InlineData("-5", "-5")]
    [InlineData("-1.5e3", "-1.5e3")]
    [InlineData("+7", "+7")]
    [InlineData("a=b", "a=b")]
    [InlineData("SMSMessagesSent", "SMSMessagesSent")]
    public void Csv_GuardsFormulasAndKeepsNumbers(string value, string cell)
    {
        using var writer = new StringWriter();

        QueryOutput.WriteCsv([new Row(value, -5, -0.25)], writer);

        var lines = writer.ToString().Split(Environment.NewLine);
        Assert.Equal("name,count,ratio", lines[0]);
        Assert.Equal($"{cell},-5,-0.25", string.Join(Environment.NewLine, lines[1..]).TrimEnd());
    }

    [Fact]
    public async Task HostileOperationNames_ThroughIngestRollupAndQuery_AreEscapedInTablesAndGuardedInCsv()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var formula = "=cmd|' /C calc'!A0";
        await storage.Pipeline.IngestAsync([Body([Request(Start, 10, operation: Recolour), Request(Start, 20, operation: formula), Request(Start, 30, operation: "-2+3")])]);
        await RollupAsync(storage);
        var result = await QueryAsync(storage, QueryKinds.ApiRequests, Start, Start.AddMinutes(1));
        Assert.Equal(3, result.Rows.Count);
        using var json = JsonDocument.Parse(result.Json);
        Assert.Contains(json.RootElement.EnumerateArray(), r => r.GetProperty("operation").GetString() == Recolour); // JSON keeps the value as is

        var table = Render(QueryOutput.Table(result.Rows, "api-requests"));
        using var csv = new StringWriter();
        QueryOutput.WriteCsv(result.Rows, csv);

        Assert.DoesNotContain('\u001b', table);
        Assert.Contains("\\x1B[5;35mPWNED", table, StringComparison.Ordinal);
        Assert.Contains(",'=cmd|' /C calc'!A0,", csv.ToString(), StringComparison.Ordinal);
        Assert.Contains(",'-2+3,", csv.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(",=cmd", csv.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task IngestCommand_CategoryWithAnsiEscape_IsEscapedInItsTable()
    {
        var record = "{\"time\":\"2026-11-20T10:00:00Z\",\"category\":\"Evil" + JsonEncodedText.Encode(Recolour + SetTitle) + "\",\"operationName\":\"x\",\"resourceId\":\"/SUBSCRIPTIONS/S/RESOURCEGROUPS/G/PROVIDERS/MICROSOFT.COMMUNICATION/COMMUNICATIONSERVICES/ACS-ESC\"}";
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];

        var (exit, output, error) = await CliProcess.RunAsync(
            ["ingest", "-", "--storage", azurite.ConnectionString],
            new Dictionary<string, string?> { ["AcsFunctions__Storage__TablePrefix"] = prefix, ["AcsFunctions__Storage__PayloadContainer"] = prefix, ["COLUMNS"] = "300" },
            record);

        Assert.True(exit == 0, error);
        Assert.DoesNotContain("\u001b[5;35m", output, StringComparison.Ordinal);
        Assert.DoesNotContain("\u0007", output, StringComparison.Ordinal);
        Assert.Contains("\\x1B[5;35mPWNED", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("query", "api-requests", "--from", Recolour, "--to", "now")]
    [InlineData("query", "api-requests", "--from", "now-1h", "--to", "now", "--format", Recolour)]
    [InlineData("query", Recolour, "--from", "now-1h", "--to", "now")]
    public async Task ErrorMessagesEchoingInput_EscapeControlCharacters(params string[] args)
    {
        var (exit, _, error) = await CliProcess.RunAsync([.. args, "--storage", azurite.ConnectionString], new Dictionary<string, string?>());

        Assert.True(exit == 2, error);
        Assert.DoesNotContain('\u001b', error);
        Assert.Contains("\\x1B[5;35mPWNED", error, StringComparison.Ordinal);
    }

    /// <summary>What <paramref name="renderable"/> prints, without colours, on a console <paramref name="width"/> columns wide.</summary>
    internal static string Render(Spectre.Console.Rendering.IRenderable renderable, int width = 400)
    {
        using var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = width;
        console.Write(renderable);
        return writer.ToString();
    }
}
