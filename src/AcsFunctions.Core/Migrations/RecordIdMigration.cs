using Azure;
using Azure.Data.Tables;
using AcsFunctions.Records;
using AcsFunctions.Storage;

namespace AcsFunctions.Migrations;

/// <summary>
/// Re-keys rows stored before record ids were canonical (<c>acs-diag migrate record-ids</c>). For every row of the
/// records and call-records tables it recomputes <see cref="RecordId"/> from the stored (privacy-filtered) payload;
/// a row whose id changed is written under its new key (the old id in the row key replaced by the new one, the
/// <c>RecordId</c> column updated) and the old row deleted. Rows that were the same record in two serializations
/// land on one key, so they are counted once; each touched partition gets a roll-up mark so the next roll-up
/// recomputes its aggregates. The new row is written before the old one is deleted, so an interrupted run loses
/// nothing and a re-run completes it (it is idempotent: a migrated store re-keys nothing).
/// </summary>
public sealed class RecordIdMigration
{
    private static readonly string[] _tables = [TableNames.Records, TableNames.CallRecords];

    private readonly AcsStorage _storage;
    private readonly PayloadStore _payloads;
    private readonly TableWriter _writer;
    private readonly TimeProvider _time;

    /// <summary>Creates the migration.</summary>
    public RecordIdMigration(AcsStorage storage, PayloadStore payloads, TableWriter writer, TimeProvider time)
    {
        _storage = storage;
        _payloads = payloads;
        _writer = writer;
        _time = time;
    }

    /// <summary>Runs the migration (or, with <paramref name="dryRun"/>, only counts what it would do).</summary>
    /// <exception cref="StorageUnavailableException">Storage stayed unavailable through every retry.</exception>
    public async Task<RecordIdMigrationResult> RunAsync(bool dryRun, CancellationToken cancellationToken)
    {
        long scanned = 0, rekeyed = 0, merged = 0, unreadable = 0;
        foreach (var table in _tables)
        {
            var client = _storage.GetTable(table);
            var kind = table == TableNames.CallRecords ? RollupMarks.CallKind : RollupMarks.WindowKind;
            var pages = client.QueryAsync<TableEntity>(cancellationToken: cancellationToken).AsPages();
            IAsyncEnumerator<Page<TableEntity>> pageEnumerator;
            try
            {
                pageEnumerator = pages.GetAsyncEnumerator(cancellationToken);
                if (!await MoveNextAsync(pageEnumerator))
                {
                    continue;
                }
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                continue; // the table does not exist yet: nothing to migrate
            }

            await using (pageEnumerator)
            {
                do
                {
                    var writes = new List<TableWrite>();
                    var deletes = new List<TableEntity>();
                    var marks = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
                    foreach (var row in pageEnumerator.Current.Values)
                    {
                        scanned++;
                        var payload = await PayloadColumns.ReadAsync(row, _payloads, cancellationToken);
                        if (payload is null)
                        {
                            unreadable++;
                            continue;
                        }

                        var oldId = row.GetString("RecordId");
                        var newId = RecordId.Compute(payload);
                        if (string.Equals(oldId, newId, StringComparison.Ordinal))
                        {
                            continue;
                        }

                        var newKey = !string.IsNullOrEmpty(oldId) && row.RowKey.Contains(oldId, StringComparison.Ordinal)
                            ? row.RowKey.Replace(oldId, newId, StringComparison.Ordinal)
                            : row.RowKey;
                        rekeyed++;

                        // A sharded record row (#20) belongs in the shard of its RowKey; rows from before #20 stay where they are.
                        var newPartition = kind == RollupMarks.WindowKind && KeyShards.HasSuffix(row.PartitionKey)
                            ? KeyShards.Append(KeyShards.BaseOf(row.PartitionKey), newKey)
                            : row.PartitionKey;
                        var moved = newKey != row.RowKey || newPartition != row.PartitionKey;
                        if (moved && await ExistsAsync(client, newPartition, newKey, writes, cancellationToken))
                        {
                            merged++;
                        }

                        var copy = new TableEntity(row) { PartitionKey = newPartition, RowKey = newKey, ETag = default };
                        copy.Remove("Timestamp");
                        copy.Remove("odata.etag");
                        copy["RecordId"] = newId;
                        writes.RemoveAll(w => w.Entity.PartitionKey == copy.PartitionKey && w.Entity.RowKey == copy.RowKey);
                        writes.Add(new TableWrite(table, copy));
                        if (moved)
                        {
                            deletes.Add(row);
                        }

                        var markKey = RollupMarks.RowKeyOf(kind, row.PartitionKey);
                        if (!marks.ContainsKey(markKey) && row.GetDateTimeOffset("Window") is { } window)
                        {
                            marks[markKey] = RollupMarks.Create(kind, row.PartitionKey, row.GetString("ResourceKey") ?? string.Empty, row.GetString("Category") ?? string.Empty, window, _time.GetUtcNow());
                        }
                    }

                    if (!dryRun && writes.Count > 0)
                    {
                        var rejected = await _writer.WriteAsync(writes, cancellationToken);
                        if (rejected.Count > 0)
                        {
                            throw new InvalidOperationException($"{rejected.Count} re-keyed row(s) were rejected ({rejected[0].Error}); no old row of this page was deleted. Re-run the migration after fixing the cause.");
                        }

                        await _writer.WriteAsync(marks.Values.Select(m => new TableWrite(TableNames.RollupPending, m)), cancellationToken);
                        foreach (var old in deletes)
                        {
                            await client.DeleteEntityAsync(old.PartitionKey, old.RowKey, ETag.All, cancellationToken);
                        }
                    }
                }
                while (await MoveNextAsync(pageEnumerator));
            }
        }

        return new RecordIdMigrationResult(scanned, rekeyed, merged, unreadable, dryRun);
    }

    private static async Task<bool> MoveNextAsync(IAsyncEnumerator<Page<TableEntity>> pages) => await pages.MoveNextAsync();

    private static async Task<bool> ExistsAsync(TableClient client, string partitionKey, string rowKey, List<TableWrite> pending, CancellationToken cancellationToken)
    {
        foreach (var write in pending)
        {
            if (write.Entity.PartitionKey == partitionKey && write.Entity.RowKey == rowKey)
            {
                return true;
            }
        }

        var existing = await client.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, ["RowKey"], cancellationToken);
        return existing.HasValue;
    }
}

/// <summary>What <see cref="RecordIdMigration"/> did.</summary>
/// <param name="Scanned">Rows read.</param>
/// <param name="Rekeyed">Rows whose record id changed (written under the new id).</param>
/// <param name="Merged">Of those, rows whose new key already held the same record (a duplicate removed).</param>
/// <param name="Unreadable">Rows without a readable payload (left as they are).</param>
/// <param name="DryRun">True when nothing was written.</param>
public sealed record RecordIdMigrationResult(long Scanned, long Rekeyed, long Merged, long Unreadable, bool DryRun);
