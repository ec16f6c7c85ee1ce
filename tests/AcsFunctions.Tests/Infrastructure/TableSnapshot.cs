using System.Globalization;
using Azure.Data.Tables;

namespace AcsFunctions.Tests.Infrastructure;

/// <summary>Every row of some tables as sorted text, to compare two stores (optionally ignoring some columns).</summary>
public static class TableSnapshot
{
    public static async Task<List<string>> TakeAsync(TestStorage storage, IEnumerable<string> tables, params string[] ignoredColumns)
    {
        var ignored = new HashSet<string>(ignoredColumns, StringComparer.Ordinal) { "Timestamp", "odata.etag" };
        var rows = new List<string>();
        foreach (var table in tables)
        {
            foreach (var e in await storage.AllAsync(table))
            {
                rows.Add($"{table}|{e.PartitionKey}|{e.RowKey}|{Columns(e, ignored)}");
            }
        }

        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    private static string Columns(TableEntity e, HashSet<string> ignored) =>
        string.Join(";", e.Where(p => !ignored.Contains(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={Format(p.Value)}"));

    private static string Format(object? value) =>
        value is byte[] b ? Convert.ToBase64String(b) : Convert.ToString(value, CultureInfo.InvariantCulture) ?? "null";
}
