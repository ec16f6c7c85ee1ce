using System.Globalization;
using AcsFunctions.Cli.Commands;
using AcsFunctions.Schemas;
using AcsFunctions.Storage;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace AcsFunctions.Cli.Output;

/// <summary>
/// Demo step: what the handlers made of the stored rows, per category — the distribution of the main enriched
/// columns (status class, SMS outcome, endpoint type, end-reason class, media type, poor verdict, delivery status, …).
/// Reads the demo's few rows whole; not meant for production-sized tables.
/// </summary>
internal static class EnrichmentSummary
{
    /// <summary>The enriched columns summarised, in display order: each category module's summary columns, in registration order.</summary>
    public static IReadOnlyList<string> Columns(IEnumerable<CategoryModule> modules) =>
        [.. modules.SelectMany(m => m.SummaryColumns).Distinct(StringComparer.Ordinal)];

    public static async Task WriteAsync(DemoContext context, CancellationToken cancellationToken)
    {
        var storage = context.Services.GetRequiredService<AcsStorage>();
        var rows = new List<TableEntity>();
        foreach (var table in new[] { TableNames.Records, TableNames.CallRecords })
        {
            await foreach (var entity in storage.GetTable(table).QueryAsync<TableEntity>(cancellationToken: cancellationToken))
            {
                rows.Add(entity);
            }
        }

        var output = new Table().Title("[bold]Enriched values per category[/]")
            .AddColumn("Category").AddColumn(new TableColumn("Rows").RightAligned()).AddColumn("Enriched columns");
        foreach (var (category, count, highlights) in Summarize(rows, context.Services.GetServices<CategoryModule>()))
        {
            output.AddRow(TerminalText.Escape(category), count.ToString("N0", CultureInfo.InvariantCulture), TerminalText.Escape(highlights));
        }

        AnsiConsole.Write(output);
    }

    /// <summary>
    /// Per category: row count and e.g. <c>StatusClass: 2xx 3, 4xx 1 · SmsOutcome: Blocked 1</c>, over the summary
    /// columns of <paramref name="modules"/> (the built-in ones by default).
    /// </summary>
    public static List<(string Category, int Rows, string Highlights)> Summarize(IEnumerable<TableEntity> rows, IEnumerable<CategoryModule>? modules = null)
    {
        var columns = Columns(modules ?? SchemaHandlerRegistration.BuiltIn);
        var result = new List<(string, int, string)>();
        foreach (var group in rows.GroupBy(r => r.GetString("Category") ?? "?").OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var parts = new List<string>();
            foreach (var column in columns)
            {
                var values = group.Where(r => r.ContainsKey(column))
                    .GroupBy(r => Convert.ToString(r[column], CultureInfo.InvariantCulture) ?? "")
                    .OrderByDescending(v => v.Count()).ThenBy(v => v.Key, StringComparer.Ordinal)
                    .Select(v => $"{v.Key} {v.Count()}")
                    .ToList();
                if (values.Count > 0)
                {
                    parts.Add($"{column}: {string.Join(", ", values)}");
                }
            }

            result.Add((group.Key, group.Count(), string.Join(" · ", parts)));
        }

        return result;
    }
}
