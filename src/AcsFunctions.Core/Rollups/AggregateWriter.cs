using Azure;
using Azure.Data.Tables;
using AcsFunctions.Storage;
using Microsoft.Extensions.Logging;

namespace AcsFunctions.Rollups;

/// <summary>
/// Replaces the aggregate rows of one scope — a RowKey prefix in one window partition, or one row — with a
/// freshly computed set: upserts (replace) through <see cref="TableWriter"/>, then deletes the rows of the scope
/// the recompute no longer produces (e.g. a call whose transport changed in a later version).
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

    public async Task ReplacePrefixAsync(string table, string partitionKey, string rowKeyPrefix, IReadOnlyList<TableEntity> rows, RollupCounters counters, CancellationToken cancellationToken)
    {
        var existing = await TableReads.PrefixAsync(_storage.GetTable(table), partitionKey, rowKeyPrefix, ["RowKey"], cancellationToken);
        counters.AggregateRowsRead(existing.Count);
        await WriteAsync(table, rows, counters, cancellationToken);
        var keep = rows.Select(r => r.RowKey).ToHashSet(StringComparer.Ordinal);
        var stale = existing.Where(e => !keep.Contains(e.RowKey)).Select(e => e.RowKey).ToList();
        foreach (var rowKey in stale)
        {
            await DeleteAsync(table, partitionKey, rowKey, counters, cancellationToken);
        }

        if (stale.Count > 0)
        {
            RollupLog.StaleAggregateDeleted(_logger, stale.Count, table, partitionKey);
        }
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
    }

    public async Task DeleteAsync(string table, string partitionKey, string rowKey, RollupCounters counters, CancellationToken cancellationToken)
    {
        try
        {
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
