using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using AcsFunctions.Queries;
using Spectre.Console;

namespace AcsFunctions.Cli.Output;

/// <summary>
/// Renders a <see cref="QueryResult"/>: JSON with the HTTP API's content, indented for people (the API sends it compact),
/// CSV with the JSON field names as header, or a table. Columns come from the row type's properties, in declaration order.
/// </summary>
internal static class QueryOutput
{
    public static void Write(QueryResult result, string format)
    {
        switch (format)
        {
            case "json":
                WriteJson(result.Rows);
                break;
            case "csv":
                WriteCsv(result.Rows, Console.Out);
                break;
            default:
                WriteTable(result);
                break;
        }
    }

    /// <summary>
    /// Writes the rows' indented JSON and a newline to standard output as UTF-8, from the rows (no JSON string; the
    /// serializer flushes its pooled buffer as it goes).
    /// </summary>
    private static void WriteJson(IReadOnlyList<object> rows)
    {
        Console.Out.Flush();
        using var stdout = Console.OpenStandardOutput();
        QueryJson.Write(stdout, rows, indented: true);
        stdout.Write(Encoding.UTF8.GetBytes(Environment.NewLine));
        stdout.Flush();
    }

    /// <summary>
    /// Writes rows as CSV (RFC 4180 quoting; times ISO-8601 UTC; maps as <c>key=value;…</c>). Text cells are guarded
    /// against formula injection (<see cref="GuardFormula"/>); numeric columns are written as numbers.
    /// </summary>
    public static void WriteCsv(IReadOnlyList<object> rows, TextWriter writer)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var properties = Properties(rows[0]);
        writer.WriteLine(string.Join(',', properties.Select(p => JsonName(p))));
        foreach (var row in rows)
        {
            writer.WriteLine(string.Join(',', properties.Select(p => Csv(IsNumber(p.PropertyType) ? Text(p.GetValue(row)) : GuardFormula(Text(p.GetValue(row)))))));
        }
    }

    /// <summary>A Spectre table of the rows (the resource id is left out when the name is there).</summary>
    public static Table Table(IReadOnlyList<object> rows, string title)
    {
        var table = new Table().Title(title);
        if (rows.Count == 0)
        {
            return table.AddColumn("(no rows)");
        }

        var properties = Properties(rows[0]);
        if (properties.Any(p => p.Name == "ResourceName"))
        {
            properties = [.. properties.Where(p => p.Name != "ResourceId")];
        }

        foreach (var p in properties)
        {
            var column = new TableColumn(TerminalText.Escape(JsonName(p)));
            table.AddColumn(IsNumber(p.PropertyType) ? column.RightAligned() : column);
        }

        foreach (var row in rows)
        {
            table.AddRow([.. properties.Select(p => TerminalText.Escape(Text(p.GetValue(row))))]);
        }

        return table;
    }

    private static void WriteTable(QueryResult result)
    {
        var p = result.Parameters;
        if (p.Kind == QueryKinds.Health)
        {
            HealthTable.Write(HealthTable.Create(result.Rows.Cast<AcsFunctions.Health.HealthRow>(), p));
            AnsiConsole.MarkupLine($"[grey]{result.Rows.Count} row(s). Counts are deliveries (a re-delivered event counts again); the backlog is the current one.[/]");
            return;
        }

        var shape = p.View is { } view ? "view " + view : p.Interval.Name;
        var title = $"[bold]{TerminalText.Escape(p.Kind)}[/] {p.From:yyyy-MM-dd HH:mm}–{p.To:yyyy-MM-dd HH:mm} UTC, {TerminalText.Escape(shape)}";
        AnsiConsole.Write(Table(result.Rows, title));
        AnsiConsole.MarkupLine($"[grey]{result.Rows.Count} row(s).{(Console.IsOutputRedirected ? " For files and tools: --format csv or --format json." : string.Empty)}[/]");
    }

    private static PropertyInfo[] Properties(object row) =>
        row.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).ToArray();

    private static string JsonName(PropertyInfo property) => JsonNamingPolicy.CamelCase.ConvertName(property.Name);

    private static bool IsNumber(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t == typeof(int) || t == typeof(long) || t == typeof(double);
    }

    private static string Text(object? value) => value switch
    {
        null => string.Empty,
        DateTimeOffset time => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
        double d => d.ToString("0.###", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        string s => s,
        IDictionary map => string.Join(';', map.Keys.Cast<object>().Select(k => $"{k}={Text(map[k])}")),
        _ => value.ToString() ?? string.Empty,
    };

    /// <summary>
    /// Neutralises a text cell a spreadsheet would run as a formula (OWASP "CSV injection"): one starting with
    /// <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a carriage return gets a leading <c>'</c>, which spreadsheets
    /// show as text and do not display. A cell that is just a number (<c>-5</c>, <c>+1.5e3</c>) is left as it is:
    /// spreadsheets read it as that number and evaluate nothing.
    /// </summary>
    internal static string GuardFormula(string text) =>
        text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' && !IsPlainNumber(text) ? "'" + text : text;

    private static bool IsPlainNumber(string text) =>
        double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out _);

    private static string Csv(string text)
    {
        if (text.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 2).Append('"');
        builder.Append(text.Replace("\"", "\"\"", StringComparison.Ordinal));
        return builder.Append('"').ToString();
    }
}
