using Azure;
using Azure.Data.Tables;
using AcsFunctions.Storage;
using Microsoft.Extensions.Logging;

namespace AcsFunctions.Rollups;

/// <summary>
/// Replaces the aggregate rows of one scope — a RowKey prefix in one window partition, or one row — with a
/// freshly computed set: upserts (replace) and deletes of the rows of the scope the recompute no longer produces
/// (e.g. a call whose transport changed in a later version). A scope of up to 100 changes is replaced in one
/// entity-group transaction (<see cref="ReplaceAtomicallyAsync"/>), so a run that dies never leaves it half
/// written; larger scopes are written then pruned, and stay flagged by their pending mark until a run completes.
/// </summary>
internal sealed class AggregateWriter
{
    private readonly AcsStorage _storage;
    private readonly TableWriter _writer;
    private readonly ILogger<AggregateWriter> _logger;

    public AggregateWriter(AcsStorage storage, TableWriter writer, ILogger<AggregateWriter> logger)
    {
        _storage = storage;
        _writer = writer;
        _logger = logger;
    }

    private const int MaxTransactionActions = 100;

    public async Task ReplacePrefixAsync(string table, string partitionKey, string rowKeyPrefix, IReadOnlyList<TableEntity> rows, RollupCounters counters, CancellationToken cancellationToken)
    {
        var existing = await TableReads.QueryAsync(_storage.GetTable(table), TableReads.PrefixFilter(partitionKey, rowKeyPrefix), ["RowKey"], counters.Reads, cancellationToken);
        counters.AggregateRowsRead(existing.Count);
        await ReplaceAtomicallyAsync(table, partitionKey, rows, existing.Select(e => e.RowKey), counters, cancellationToken);
    }

    /// <summary>
    /// Makes the rows of one partition's scope exactly <paramref name="rows"/>, given the keys the scope held
    /// (<paramref name="existingRowKeys"/>): one transaction when it fits, else upserts then deletes.
    /// </summary>
    public async Task ReplaceAtomicallyAsync(string table, string partitionKey, IReadOnlyList<TableEntity> rows, IEnumerable<string> existingRowKeys, RollupCounters counters, CancellationToken cancellationToken)
    {
        var keep = rows.Select(r => r.RowKey).ToHashSet(StringComparer.Ordinal);
        var stale = existingRowKeys.Where(k => !keep.Contains(k)).Distinct(StringComparer.Ordinal).ToList();
        if (stale.Count > 0)
        {
            RollupLog.StaleAggregateDeleted(_logger, stale.Count, table, partitionKey);
        }

        if (rows.Count + stale.Count is > 0 and <= MaxTransactionActions)
        {
            List<TableTransactionAction> actions =
            [
                .. rows.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)),
                .. stale.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partitionKey, k), ETag.All)),
            ];
            try
            {
                counters.WriteRequests(1);
                await _writer.SubmitTransactionAsync(table, actions, cancellationToken);
                counters.Written(rows.Count);
                counters.Deleted(stale.Count);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 400 or 413)
            {
                // A row to delete vanished meanwhile (a concurrent run), or the batch is too large: write step by step.
            }
        }

        await WriteAsync(table, rows, counters, cancellationToken);
        foreach (var rowKey in stale)
        {
            await DeleteAsync(table, partitionKey, rowKey, counters, cancellationToken);
        }
    }

    /// <summary>
    /// Replaces pages of one day of the aggregate table <paramref name="table"/> (<see cref="CoarsePages"/>, in its pages
    /// table <see cref="TableNames.PagesOf"/>): each kind in <paramref name="pages"/> is written from its rows,
    /// or deleted when they are null; kinds not named are left alone. Every chunk written and every stale chunk deleted
    /// goes in one entity-group transaction of the month's page partition. A page that cannot be stored (a column type a
    /// page does not hold, or more than one transaction together with the others) is not written and its old chunks
    /// are deleted: queries read that day's rows.
    /// </summary>
    public async Task ReplacePagesAsync(
        string table, DateTimeOffset day, IReadOnlyList<(char Kind, IReadOnlyList<TableEntity>? Rows)> pages, RollupCounters counters, CancellationToken cancellationToken)
    {
        var pagesTable = TableNames.PagesOf(table);
        var partition = CoarsePages.PartitionKey(day);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition}") + " and ("
            + string.Join(" or ", pages.Select(p => TableClient.CreateQueryFilter($"(RowKey ge {CoarsePages.RowKeyPrefix(p.Kind, day)} and RowKey lt {CoarsePages.RowKeyBound(p.Kind, day) + "/"})"))) + ")";
        var existing = await TableReads.QueryAsync(_storage.GetTable(pagesTable), filter, ["RowKey"], counters.Reads, cancellationToken);
        counters.AggregateRowsRead(existing.Count);
        var chunks = new List<TableEntity>();
        long bytes = 0;
        foreach (var (kind, rows) in pages)
        {
            if (rows is null)
            {
                continue;
            }

            var name = kind == CoarsePages.HourPage ? "hour" : "day";
            List<TableEntity> page;
            try
            {
                page = CoarsePages.Chunks(kind, day, CoarsePages.Pack(rows));
            }
            catch (NotSupportedException ex)
            {
                RollupLog.PageNotWritten(_logger, name, day, table, ex.Message);
                continue;
            }

            var size = page.Sum(EntityLimits.EstimateSize);
            if (chunks.Count + page.Count + existing.Count > MaxTransactionActions || bytes + size > EntityLimits.MaxBatchBytes)
            {
                RollupLog.PageNotWritten(_logger, name, day, table, $"{size:N0} bytes in {page.Count} chunks exceed one transaction");
                continue;
            }

            chunks.AddRange(page);
            bytes += size;
        }

        var keep = chunks.Select(c => c.RowKey).ToHashSet(StringComparer.Ordinal);
        List<TableTransactionAction> actions =
        [
            .. chunks.Select(c => new TableTransactionAction(TableTransactionActionType.UpsertReplace, c)),
            .. existing.Where(e => !keep.Contains(e.RowKey)).Select(e => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, e.RowKey), ETag.All)),
        ];
        if (actions.Count == 0)
        {
            return;
        }

        counters.WriteRequests(1);
        await _writer.SubmitTransactionAsync(pagesTable, actions, cancellationToken); // creates the pages table on its first page
        counters.Written(chunks.Count);
        counters.Deleted(actions.Count - chunks.Count);
    }

    public Task ReplaceRowAsync(string table, string partitionKey, string rowKey, TableEntity? row, RollupCounters counters, CancellationToken cancellationToken) =>
        row is null
            ? DeleteAsync(table, partitionKey, rowKey, counters, cancellationToken)
            : WriteAsync(table, [row], counters, cancellationToken);

    public async Task WriteAsync(string table, IReadOnlyList<TableEntity> rows, RollupCounters counters, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var rejected = await _writer.WriteAsync(rows.Select(r => new TableWrite(table, r)), cancellationToken);
        if (rejected.Count > 0)
        {
            // An aggregate row is built by us; a rejection is a bug, not data. Fail the mark so it stays pending.
            throw new InvalidOperationException($"Table '{table}' rejected {rejected.Count} aggregate rows: {rejected[0].Error}");
        }

        counters.Written(rows.Count);
        counters.WriteRequests(rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal).Sum(g => (g.Count() + MaxTransactionActions - 1) / MaxTransactionActions));
    }

    public async Task DeleteAsync(string table, string partitionKey, string rowKey, RollupCounters counters, CancellationToken cancellationToken)
    {
        try
        {
            counters.WriteRequests(1);
            var response = await _storage.GetTable(table).DeleteEntityAsync(partitionKey, rowKey, ETag.All, cancellationToken);
            if (response.Status != 404)
            {
                counters.Deleted(1);
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Already gone (or the table never existed).
        }
    }
}
