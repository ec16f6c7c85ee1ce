using System.Text;
using Azure.Data.Tables;
using AcsFunctions.Records;
using AcsFunctions.Storage;

namespace AcsFunctions.Retention;

/// <summary>
/// The payload blobs one retention transaction is about to orphan, written to <see cref="RetentionState.TableName"/>
/// before the rows are deleted and removed after their blobs are: a run that stops between a row delete and its blob
/// delete leaves this behind, and the next run deletes every blob it names whose row is gone (a row that still exists
/// keeps its blob: the transaction failed or never ran). Only transactions whose rows name a blob write one, so a table
/// without payload blobs pays nothing.
/// </summary>
/// <param name="Id">The intent's row key.</param>
/// <param name="Table">The logical table of the rows.</param>
/// <param name="PartitionKey">The rows' partition (a transaction is one partition).</param>
/// <param name="Rows">Each row's key and the blob it names.</param>
/// <param name="Written">When the intent was written (the run's clock); a run finishes only intents older than
/// <see cref="Grace"/>, so it never takes over the intent of a run still in flight.</param>
internal sealed record BlobIntent(string Id, string Table, string PartitionKey, IReadOnlyList<(string RowKey, string Blob)> Rows, DateTimeOffset Written)
{
    /// <summary>How old an intent must be before another run finishes it (a run's transactions take seconds).</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromHours(1);

    /// <summary>The partition of <see cref="RetentionState.TableName"/> that holds intents.</summary>
    public const string Partition = "blobs";

    private const string TableColumn = "Table";
    private const string PartitionColumn = "Partition";
    private const string RowsColumn = "Rows";
    private const string WrittenColumn = "Written";

    /// <summary>Most characters in <see cref="RowsColumn"/> (a string property holds 32,768; keys are at most 1 KiB each).</summary>
    private const int MaxRowsText = 30_000;

    /// <summary>
    /// The intents of one transaction's <paramref name="rows"/> (one partition): none when no row names a blob, more than
    /// one only when their keys and names do not fit one property.
    /// </summary>
    public static List<BlobIntent> Of(string table, IReadOnlyList<TableEntity> rows, DateTimeOffset now)
    {
        var intents = new List<BlobIntent>();
        var named = new List<(string RowKey, string Blob)>();
        var length = 0;
        foreach (var row in rows)
        {
            if (row.GetString(PayloadColumns.Blob) is not { Length: > 0 } blob)
            {
                continue;
            }

            var line = row.RowKey.Length + blob.Length + 2;
            if (named.Count > 0 && length + line > MaxRowsText)
            {
                intents.Add(Create(table, rows[0].PartitionKey, named, now));
                named = [];
                length = 0;
            }

            named.Add((row.RowKey, blob));
            length += line;
        }

        if (named.Count > 0)
        {
            intents.Add(Create(table, rows[0].PartitionKey, named, now));
        }

        return intents;
    }

    /// <summary>Reads an intent row; null when it is not one (a damaged row is left for an operator, never guessed at).</summary>
    public static BlobIntent? Read(TableEntity row)
    {
        if (row.GetString(TableColumn) is not { } table || row.GetString(PartitionColumn) is not { } partition || row.GetString(RowsColumn) is not { } text
            || row.GetDateTimeOffset(WrittenColumn) is not { } written)
        {
            return null;
        }

        var rows = new List<(string, string)>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // Row keys cannot hold control characters, so a tab and a new line separate them safely from the blob names.
            if (line.Split('\t') is not [var rowKey, var blob])
            {
                return null;
            }

            rows.Add((rowKey, blob));
        }

        return new BlobIntent(row.RowKey, table, partition, rows, written);
    }

    /// <summary>The intent as a row of <see cref="RetentionState.TableName"/>.</summary>
    public TableEntity ToEntity()
    {
        var text = new StringBuilder();
        foreach (var (rowKey, blob) in Rows)
        {
            text.Append(rowKey).Append('\t').Append(blob).Append('\n');
        }

        return new TableEntity(Partition, Id) { [TableColumn] = Table, [PartitionColumn] = PartitionKey, [RowsColumn] = text.ToString(), [WrittenColumn] = Written };
    }

    private static BlobIntent Create(string table, string partitionKey, List<(string RowKey, string Blob)> rows, DateTimeOffset now) =>
        new(RecordId.HashBytes(Encoding.UTF8.GetBytes($"{table}\n{partitionKey}\n{rows[0].RowKey}")), table, partitionKey, rows, now);
}
