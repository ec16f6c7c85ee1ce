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
                WriteCsv(result.Rows, Console.Out, result.RowType);
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
    /// Writes rows as CSV (RFC 4180 quoting; times ISO-8601 UTC; maps as <c>key=value;…</c>) with the values of the JSON:
    /// numbers in invariant culture without grouping, doubles as their shortest round-trip text (a non-finite one empty,
    /// as JSON writes it null), booleans <c>true</c>/<c>false</c>. Text cells are guarded against formula injection
    /// (<see cref="GuardFormula"/>); numeric columns are written as numbers. Without rows, the header of
    /// <paramref name="rowType"/> alone (nothing when it is null).
    /// </summary>
    public static void WriteCsv(IReadOnlyList<object> rows, TextWriter writer, Type? rowType = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var type = rows.Count > 0 ? rows[0].GetType() : rowType;
        if (type is null)
        {
            return;
        }

        var properties = Properties(type);
        writer.WriteLine(string.Join(',', properties.Select(p => JsonName(p))));
        foreach (var row in rows)
        {
            writer.WriteLine(string.Join(',', properties.Select(p => Csv(IsNumber(p.PropertyType) ? Exact(p.GetValue(row)) : GuardFormula(Exact(p.GetValue(row)))))));
        }
    }

    /// <summary>
    /// A Spectre table of the rows (the resource id is left out when the name is there). Without rows, the title heads
    /// the table's one column (a title is only as wide as its table: it would be cut to the width of <c>(no rows)</c>).
    /// </summary>
    public static Table Table(IReadOnlyList<object> rows, string title)
    {
        if (rows.Count == 0)
        {
            return new Table().AddColumn(new TableColumn(title)).AddRow("[grey](no rows)[/]");
        }

        var table = new Table().Title(title);

        var properties = Properties(rows[0].GetType());
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
        if (p.Kind == QueryKinds.Health && result.RowType != typeof(AcsFunctions.Health.HealthRetentionRow))
        {
            HealthTable.Write(HealthTable.Create(result.Rows.Cast<AcsFunctions.Health.HealthRow>(), p));
            AnsiConsole.MarkupLine($"[grey]{result.Rows.Count} row(s). Counts are deliveries (a re-delivered event counts again); the backlog is the current one.[/]");
            return;
        }

        AnsiConsole.Write(Table(result.Rows, Title(result)));
        AnsiConsole.MarkupLine($"[grey]{result.Rows.Count} row(s).{(Console.IsOutputRedirected ? " For files and tools: --format csv or --format json." : string.Empty)}[/]");
    }

    /// <summary>
    /// The table's title: kind, range, and the interval (for kinds whose rows are windows; the others take none) and view
    /// when there are any.
    /// </summary>
    internal static string Title(QueryResult result)
    {
        var p = result.Parameters;
        var shape = new List<string>(2);
        if (result.Windowed)
        {
            shape.Add(p.Interval.Name);
        }

        if (p.View is { } view)
        {
            shape.Add("view " + view);
        }

        var title = $"[bold]{TerminalText.Escape(p.Kind)}[/] {p.From:yyyy-MM-dd HH:mm}–{p.To:yyyy-MM-dd HH:mm} UTC";
        return shape.Count > 0 ? $"{title}, {TerminalText.Escape(string.Join(", ", shape))}" : title;
    }

    private static PropertyInfo[] Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).ToArray();

    private static string JsonName(PropertyInfo property) => JsonNamingPolicy.CamelCase.ConvertName(property.Name);

    private static bool IsNumber(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t == typeof(int) || t == typeof(long) || t == typeof(double) || t == typeof(float) || t == typeof(decimal)
            || t == typeof(short) || t == typeof(byte) || t == typeof(uint) || t == typeof(ulong);
    }

    /// <summary>A value for people (tables): doubles to three decimals.</summary>
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
    /// A value as the JSON holds it (CSV): doubles and floats as their shortest round-trip text (<c>0.0009624</c>, not
    /// rounded), empty when not finite (JSON: null); integers and decimals in invariant culture, never grouped; booleans
    /// lower case.
    /// </summary>
    private static string Exact(object? value) => value switch
    {
        null => string.Empty,
        double d => double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : string.Empty,
        float f => float.IsFinite(f) ? f.ToString("R", CultureInfo.InvariantCulture) : string.Empty,
        bool b => b ? "true" : "false",
        DateTimeOffset => Text(value),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        string s => s,
        IDictionary map => string.Join(';', map.Keys.Cast<object>().Select(k => $"{k}={Exact(map[k])}")),
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
