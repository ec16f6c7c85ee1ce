using AcsFunctions.Storage;
using Azure;
using Azure.Data.Tables;

namespace AcsFunctions.Backfill;

/// <summary>
/// Checkpoints per archive blob in the <c>BackfillCheckpoints</c> table: PartitionKey
/// <c>account|container</c>, RowKey the (encoded) blob name. One point read per blob, one upsert per chunk.
/// </summary>
public sealed class BackfillCheckpointStore
{
    /// <summary>Logical table name.</summary>
    public const string TableName = "BackfillCheckpoints";

    private readonly AcsStorage _storage;
    private readonly TableWriter _writer;

    /// <summary>Creates the store.</summary>
    public BackfillCheckpointStore(AcsStorage storage, TableWriter writer)
    {
        _storage = storage;
        _writer = writer;
    }

    /// <summary>The checkpoint of a blob, or null when it was never started.</summary>
    /// <exception cref="StorageUnavailableException">Table storage cannot be reached (after the client's retries).</exception>
    public async Task<BackfillCheckpoint?> GetAsync(string account, ArchiveBlob blob, CancellationToken cancellationToken = default)
    {
        var (pk, rk) = Keys(account, blob);
        NullableResponse<TableEntity> response;
        try
        {
            await _storage.EnsureTableAsync(TableName, cancellationToken);
            response = await _storage.GetTable(TableName).GetEntityIfExistsAsync<TableEntity>(pk, rk, cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (TransientErrors.IsTransient(ex) && !cancellationToken.IsCancellationRequested)
        {
            // The first table call of a backfill: an outage here is "table storage unreachable" (exit code 3), as in a write.
            throw new StorageUnavailableException($"Table storage is unavailable (table '{_storage.PhysicalName(TableName)}'): {ex.Message.Split('\n')[0].Trim()}", ex);
        }

        if (!response.HasValue || response.Value is not { } e)
        {
            return null;
        }

        return new BackfillCheckpoint
        {
            ETag = e.GetString(nameof(BackfillCheckpoint.ETag)) ?? string.Empty,
            LinesDone = e.GetInt64(nameof(BackfillCheckpoint.LinesDone)) ?? 0,
            BytesDone = e.GetInt64(nameof(BackfillCheckpoint.BytesDone)) ?? 0,
            Length = e.GetInt64(nameof(BackfillCheckpoint.Length)) ?? 0,
            Records = e.GetInt64(nameof(BackfillCheckpoint.Records)) ?? 0,
            TailLength = e.GetInt32(nameof(BackfillCheckpoint.TailLength)) ?? 0,
            TailHash = e.GetString(nameof(BackfillCheckpoint.TailHash)),
            UpdatedAt = e.GetDateTimeOffset(nameof(BackfillCheckpoint.UpdatedAt)) ?? default,
        };
    }

    /// <summary>Writes (replaces) the checkpoint of a blob.</summary>
    /// <exception cref="InvalidOperationException">The service refused the row.</exception>
    public async Task SaveAsync(string account, ArchiveBlob blob, BackfillCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        var (pk, rk) = Keys(account, blob);
        var entity = new TableEntity(pk, rk)
        {
            ["Account"] = account,
            ["Container"] = blob.Container,
            ["BlobName"] = blob.Name,
            ["ResourceId"] = blob.Path.ResourceId,
            ["Hour"] = blob.Path.Hour,
            [nameof(BackfillCheckpoint.ETag)] = checkpoint.ETag,
            [nameof(BackfillCheckpoint.LinesDone)] = checkpoint.LinesDone,
            [nameof(BackfillCheckpoint.BytesDone)] = checkpoint.BytesDone,
            [nameof(BackfillCheckpoint.Length)] = checkpoint.Length,
            [nameof(BackfillCheckpoint.Records)] = checkpoint.Records,
            [nameof(BackfillCheckpoint.TailLength)] = checkpoint.TailLength,
            [nameof(BackfillCheckpoint.TailHash)] = checkpoint.TailHash,
            [nameof(BackfillCheckpoint.UpdatedAt)] = checkpoint.UpdatedAt,
        };
        var rejected = await _writer.WriteAsync([new TableWrite(TableName, entity)], cancellationToken);
        if (rejected.Count > 0)
        {
            throw new InvalidOperationException($"The checkpoint of blob '{blob.FullName}' was refused: {rejected[0].Error}");
        }
    }

    private static (string PartitionKey, string RowKey) Keys(string account, ArchiveBlob blob) =>
        (KeyEncoder.Join(account, blob.Container), KeyEncoder.Join(blob.Name));
}
