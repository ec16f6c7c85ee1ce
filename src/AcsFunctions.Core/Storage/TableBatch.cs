using Azure.Data.Tables;

namespace AcsFunctions.Storage;

/// <summary>
/// One entity-group transaction that the service will accept: 1–100 actions, one PartitionKey, each RowKey
/// once, payload under the 4 MiB limit. The only way to get one is <see cref="Create"/> or <see cref="Plan"/>,
/// both of which enforce those rules — Azurite would accept a mixed-partition batch, the real service would not.
/// </summary>
public sealed class TableBatch
{
    private TableBatch(string table, string partitionKey, IReadOnlyList<TableEntity> entities, long bytes)
    {
        Table = table;
        PartitionKey = partitionKey;
        Entities = entities;
        Bytes = bytes;
    }

    /// <summary>The (logical) table name.</summary>
    public string Table { get; }

    /// <summary>The one PartitionKey of every entity.</summary>
    public string PartitionKey { get; }

    /// <summary>The entities, upserted with replace semantics.</summary>
    public IReadOnlyList<TableEntity> Entities { get; }

    /// <summary>Estimated payload size.</summary>
    public long Bytes { get; }

    /// <summary>The transaction actions (UpsertReplace: deterministic keys make re-delivery idempotent).</summary>
    public IEnumerable<TableTransactionAction> Actions =>
        Entities.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e));

    /// <summary>Creates a batch, rejecting anything the service would reject.</summary>
    /// <exception cref="ArgumentException">Empty, over 100 actions, mixed PartitionKeys, a duplicate RowKey, or too large.</exception>
    public static TableBatch Create(string table, IReadOnlyList<TableEntity> entities)
    {
        if (entities.Count == 0)
        {
            throw new ArgumentException("A batch needs at least one entity.", nameof(entities));
        }

        if (entities.Count > EntityLimits.MaxBatchActions)
        {
            throw new ArgumentException($"A batch holds at most {EntityLimits.MaxBatchActions} actions; got {entities.Count}.", nameof(entities));
        }

        var pk = entities[0].PartitionKey;
        var rowKeys = new HashSet<string>(StringComparer.Ordinal);
        long bytes = 0;
        foreach (var entity in entities)
        {
            if (!string.Equals(entity.PartitionKey, pk, StringComparison.Ordinal))
            {
                throw new ArgumentException($"A batch must use one PartitionKey; got '{pk}' and '{entity.PartitionKey}'.", nameof(entities));
            }

            if (!rowKeys.Add(entity.RowKey))
            {
                throw new ArgumentException($"RowKey '{entity.RowKey}' appears twice in one batch.", nameof(entities));
            }

            bytes += EntityLimits.EstimateSize(entity);
        }

        if (bytes > EntityLimits.MaxBatchBytes)
        {
            throw new ArgumentException($"A batch payload must stay under {EntityLimits.MaxBatchBytes} bytes; got {bytes}.", nameof(entities));
        }

        return new TableBatch(table, pk, entities, bytes);
    }

    /// <summary>
    /// Groups entities into valid batches: by PartitionKey, the last write of a RowKey winning, chunked by
    /// action count and payload size.
    /// </summary>
    public static IEnumerable<TableBatch> Plan(string table, IEnumerable<TableEntity> entities)
    {
        var byPartition = new Dictionary<string, Dictionary<string, TableEntity>>(StringComparer.Ordinal);
        foreach (var entity in entities)
        {
            if (!byPartition.TryGetValue(entity.PartitionKey, out var rows))
            {
                rows = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
                byPartition[entity.PartitionKey] = rows;
            }

            rows[entity.RowKey] = entity;
        }

        foreach (var rows in byPartition.Values)
        {
            var chunk = new List<TableEntity>(Math.Min(rows.Count, EntityLimits.MaxBatchActions));
            long bytes = 0;
            foreach (var entity in rows.Values)
            {
                var size = EntityLimits.EstimateSize(entity);
                if (chunk.Count > 0 && (chunk.Count == EntityLimits.MaxBatchActions || bytes + size > EntityLimits.MaxBatchBytes))
                {
                    yield return Planned(table, chunk, bytes);
                    chunk = new List<TableEntity>(EntityLimits.MaxBatchActions);
                    bytes = 0;
                }

                chunk.Add(entity);
                bytes += size;
            }

            if (chunk.Count > 0)
            {
                yield return Planned(table, chunk, bytes);
            }
        }
    }

    /// <summary>
    /// A chunk <see cref="Plan"/> made: one PartitionKey, each RowKey once (a dictionary by RowKey), at most 100 actions
    /// and its size already summed, so it is not checked and sized a second time (the ingest plans every row while it
    /// writes). A single entity over the payload limit still goes through <see cref="Create"/>, which refuses it.
    /// </summary>
    private static TableBatch Planned(string table, List<TableEntity> chunk, long bytes) =>
        bytes > EntityLimits.MaxBatchBytes ? Create(table, chunk) : new TableBatch(table, chunk[0].PartitionKey, chunk, bytes);
}
