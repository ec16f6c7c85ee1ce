using Azure;
using Azure.Data.Tables;
using AcsFunctions.Storage;

namespace AcsFunctions.Rollups;

/// <summary>
/// The roll-up's side of the <see cref="TableNames.RollupPending"/> protocol. A mark is processed as
/// claim → recompute → complete:
/// <list type="number">
/// <item><b>Claim</b>: merge a lease (<c>LeaseOwner</c>, <c>LeaseUntil</c>) into the mark with If-Match on the
/// ETag listed. Only one run wins a given ETag; a mark under someone else's unexpired lease is skipped.</item>
/// <item><b>Complete</b>: delete the mark with If-Match on the claim's ETag. Ingest re-marks with a replace that
/// changes the ETag (and drops the lease), always <i>after</i> writing its records, so a failed delete (412, or
/// 404 when another run took the re-marked mark and finished first) means our recompute may have missed rows
/// or overwritten a newer one. The mark is then re-marked so a later run recomputes it from the raw rows.</item>
/// </list>
/// Aggregates are replaced, never incremented, so recomputing twice is harmless; a mark is only deleted when
/// nothing changed since it was claimed — exact under late data, re-delivery and concurrent runs.
/// </summary>
internal sealed class MarkStore
{
    private readonly AcsStorage _storage;
    private readonly TimeProvider _time;

    public MarkStore(AcsStorage storage, TimeProvider time)
    {
        _storage = storage;
        _time = time;
    }

    private TableClient Table => _storage.GetTable(TableNames.RollupPending);

    /// <summary>The marks of one kind, page by page: one query over the kind's partitions (<see cref="RollupMarks.KindFilter"/>).</summary>
    public async IAsyncEnumerable<IReadOnlyList<TableEntity>> ListAsync(string kind, int pageSize, ReadCost? cost, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pages = Table.QueryAsync<TableEntity>(RollupMarks.KindFilter(kind), maxPerPage: pageSize, cancellationToken: cancellationToken).AsPages();
        await using var enumerator = pages.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await enumerator.MoveNextAsync())
                {
                    yield break;
                }
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                yield break; // nothing was ever marked
            }

            cost?.Add(1, enumerator.Current.Values.Count);
            yield return enumerator.Current.Values;
        }
    }

    /// <summary>True when another run holds an unexpired lease on the mark.</summary>
    public bool IsLeased(TableEntity mark, out DateTimeOffset? leaseUntil)
    {
        leaseUntil = mark.GetDateTimeOffset(RollupMarkKinds.LeaseUntil);
        return leaseUntil is { } until && until > _time.GetUtcNow();
    }

    /// <summary>Claims the mark; returns the ETag to complete with, or null when it changed since it was listed.</summary>
    public async Task<ETag?> TryClaimAsync(TableEntity mark, string owner, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        var lease = new TableEntity(mark.PartitionKey, mark.RowKey)
        {
            [RollupMarkKinds.LeaseOwner] = owner,
            [RollupMarkKinds.LeaseUntil] = _time.GetUtcNow() + leaseDuration,
        };
        try
        {
            var response = await Table.UpdateEntityAsync(lease, mark.ETag, TableUpdateMode.Merge, cancellationToken);
            return response.Headers.ETag;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return null;
        }
    }

    /// <summary>Deletes the mark if unchanged since the claim; otherwise re-marks it and returns false.</summary>
    public async Task<bool> CompleteAsync(TableEntity mark, ETag claimed, CancellationToken cancellationToken)
    {
        try
        {
            var response = await Table.DeleteEntityAsync(mark.PartitionKey, mark.RowKey, claimed, cancellationToken);
            if (response.Status != 404)
            {
                return true;
            }
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
        }

        await RemarkAsync(mark, CancellationToken.None);
        return false;
    }

    /// <summary>Writes the mark again in its own partition (fresh token, no lease), so a later run recomputes it.</summary>
    public Task RemarkAsync(TableEntity mark, CancellationToken cancellationToken)
    {
        var entity = RollupMarks.Create(
            RollupMarks.KindOf(mark.PartitionKey),
            mark.RowKey,
            mark.GetString("ResourceKey") ?? string.Empty,
            mark.GetString("Category") ?? string.Empty,
            mark.GetDateTimeOffset("Window") ?? DateTimeOffset.UnixEpoch,
            _time.GetUtcNow());
        entity.PartitionKey = mark.PartitionKey;
        return UpsertAsync(entity, cancellationToken);
    }

    /// <summary>Upserts (replace) a mark.</summary>
    public Task MarkAsync(string kind, string key, string resourceKey, string category, DateTimeOffset window, CancellationToken cancellationToken) =>
        UpsertAsync(RollupMarks.Create(kind, key, resourceKey, category, window, _time.GetUtcNow()), cancellationToken);

    private async Task UpsertAsync(TableEntity mark, CancellationToken cancellationToken)
    {
        await _storage.EnsureTableAsync(TableNames.RollupPending, cancellationToken);
        await Table.UpsertEntityAsync(mark, TableUpdateMode.Replace, cancellationToken);
    }
}
