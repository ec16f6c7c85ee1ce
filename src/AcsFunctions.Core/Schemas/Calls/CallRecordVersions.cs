using System.Globalization;
using Azure.Data.Tables;

namespace AcsFunctions.Schemas.Calls;

/// <summary>
/// Reads call-record row keys (<see cref="CallRowKeys"/>): every version of a logical record is stored under its
/// own <c>|v000002</c> suffix, so a late lower version never overwrites a higher one; readers keep the highest
/// version per logical key, whatever order the versions arrived in.
/// </summary>
public static class CallRecordVersions
{
    private const int SuffixLength = 8; // "|v" + 6 digits

    /// <summary>The row key without its version suffix (the key itself when it has none).</summary>
    public static string LogicalKey(string rowKey) => HasSuffix(rowKey) ? rowKey[..^SuffixLength] : rowKey;

    /// <summary>The version in a row key's suffix (0 when it has none).</summary>
    public static int Version(string rowKey) =>
        HasSuffix(rowKey) ? int.Parse(rowKey.AsSpan(rowKey.Length - 6), NumberStyles.None, CultureInfo.InvariantCulture) : 0;

    /// <summary>The highest version of every logical record among <paramref name="rows"/> (rows of one call partition).</summary>
    public static List<TableEntity> Latest(IEnumerable<TableEntity> rows)
    {
        var latest = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var key = LogicalKey(row.RowKey);
            if (!latest.TryGetValue(key, out var current) || Version(row.RowKey) > Version(current.RowKey))
            {
                latest[key] = row;
            }
        }

        return [.. latest.Values.OrderBy(r => r.RowKey, StringComparer.Ordinal)];
    }

    private static bool HasSuffix(string rowKey)
    {
        if (rowKey.Length < SuffixLength || rowKey[^SuffixLength] != '|' || rowKey[^(SuffixLength - 1)] != 'v')
        {
            return false;
        }

        foreach (var c in rowKey.AsSpan(rowKey.Length - 6))
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }
}
