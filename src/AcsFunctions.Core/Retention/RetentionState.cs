using Azure;
using Azure.Data.Tables;
using AcsFunctions.Storage;

namespace AcsFunctions.Retention;

/// <summary>
/// What retention remembers between runs, in one small partition of its own table:
/// <list type="bullet">
/// <item><b>Trimmed</b> (per table and tier): the highest cutoff any run deleted below — written before that run deletes
/// anything, never lowered. A period starting at or after it still has every row retention ever saw; the roll-up reads it
/// to know whether the rows below an hour or day are complete (<see cref="Rollups.TierRollup"/>).</item>
/// <item><b>Resume</b> (per table and tier): the key of the last row a run read when it stopped at its bound, so the
/// next run continues after rows a guard kept instead of reading them again; cleared when a run reaches the end of the
/// expired range (the next one starts at the front again and re-checks the kept rows).</item>
/// <item><b>Blob intents</b> (partition <c>blobs</c>): the payload blobs a transaction in flight is about to orphan
/// (<see cref="BlobIntent"/>); one left behind means a run stopped between its row and blob deletes.</item>
/// </list>
/// </summary>
internal sealed class RetentionState
{
    /// <summary>The logical table.</summary>
    public const string TableName = "RetentionState";

    private const string Partition = "state";
    private const string TrimmedPrefix = "trimmed|";
    private const string ResumePrefix = "resume|";
    private const string BeforeColumn = "Before";
    private const string AfterPartitionColumn = "AfterPartition";
    private const string AfterRowColumn = "AfterRow";

    private readonly Dictionary<string, DateTimeOffset> _trimmed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string PartitionKey, string RowKey)> _resume = new(StringComparer.Ordinal);
    private readonly List<(BlobIntent Intent, ETag ETag)> _blobIntents = [];
    private readonly List<string> _unreadableIntents = [];

    /// <summary>The key of a table's tier (<c>table|tier</c>).</summary>
    public static string KeyOf(string table, string tier) => table + "|" + tier;

    /// <summary>The blob intents left by runs that stopped between a row delete and its blob delete.</summary>
    public IReadOnlyList<(BlobIntent Intent, ETag ETag)> BlobIntents => _blobIntents;

    /// <summary>
    /// Row keys of blob intents that cannot be read (a column missing or edited by hand): never guessed at, so the blobs
    /// they name may stay after their rows until an operator looks (each run reports them).
    /// </summary>
    public IReadOnlyList<string> UnreadableIntents => _unreadableIntents;

    /// <summary>Reads the state and the blob intents left behind (one query; empty when retention never ran).</summary>
    public static async Task<RetentionState> LoadAsync(AcsStorage storage, ReadCost? cost, CancellationToken cancellationToken)
    {
        var state = new RetentionState();
        foreach (var row in await TableReads.QueryAsync(storage.GetTable(TableName), TableClient.CreateQueryFilter($"PartitionKey eq {Partition} or PartitionKey eq {BlobIntent.Partition}"), null, cost, cancellationToken))
        {
            if (row.PartitionKey == BlobIntent.Partition)
            {
                if (BlobIntent.Read(row) is { } intent)
                {
                    state._blobIntents.Add((intent, row.ETag));
                }
                else
                {
                    state._unreadableIntents.Add(row.RowKey);
                }
            }
            else if (!state.ReadTrimmed(row) && row.RowKey.StartsWith(ResumePrefix, StringComparison.Ordinal) && row.GetString(AfterPartitionColumn) is { } partition && row.GetString(AfterRowColumn) is { } rowKey)
            {
                state._resume[row.RowKey[ResumePrefix.Length..]] = (partition, rowKey);
            }
        }

        return state;
    }

    /// <summary>
    /// Reads the trimmed cutoffs alone: one RowKey range (<c>trimmed|</c>) of the state partition, a row per table and
    /// tier retention ever trimmed — what a query needs to name what is gone, without retention's resume positions or
    /// blob intents (<see cref="LoadAsync"/> reads those too, across two partitions).
    /// </summary>
    public static async Task<RetentionState> LoadTrimmedAsync(AcsStorage storage, CancellationToken cancellationToken)
    {
        var state = new RetentionState();
        foreach (var row in await TableReads.PrefixAsync(storage.GetTable(TableName), Partition, TrimmedPrefix, [BeforeColumn], cancellationToken))
        {
            state.ReadTrimmed(row);
        }

        return state;
    }

    /// <summary>
    /// The cutoff below which retention may have deleted rows of a table's tier; <see cref="DateTimeOffset.MinValue"/>
    /// when it never deleted any.
    /// </summary>
    public DateTimeOffset TrimmedBefore(string table, string tier) => _trimmed.GetValueOrDefault(KeyOf(table, tier), DateTimeOffset.MinValue);

    /// <summary>
    /// <see cref="TrimmedBefore(string, string)"/> of one table's tier read alone (one point read), for a reader that needs
    /// no other state; <see cref="DateTimeOffset.MinValue"/> when retention never deleted any of its rows.
    /// </summary>
    public static async Task<DateTimeOffset> ReadTrimmedBeforeAsync(AcsStorage storage, string table, string tier, CancellationToken cancellationToken)
    {
        var row = await TableReads.PointAsync(storage.GetTable(TableName), Partition, TrimmedPrefix + KeyOf(table, tier), cancellationToken);
        return row?.GetDateTimeOffset(BeforeColumn) ?? DateTimeOffset.MinValue;
    }

    /// <summary>Where the last run of a step stopped (null: start at the front).</summary>
    public (string PartitionKey, string RowKey)? ResumeAfter(string key) => _resume.TryGetValue(key, out var after) ? after : null;

    /// <summary>Raises the trimmed cutoffs (never lowers one), in one transaction, before a run deletes anything.</summary>
    public async Task RaiseTrimmedAsync(AcsStorage storage, IEnumerable<(string Key, DateTimeOffset Cutoff)> cutoffs, CancellationToken cancellationToken)
    {
        var raised = cutoffs.Where(c => c.Cutoff > TrimmedBefore(c.Key)).ToList();
        if (raised.Count == 0)
        {
            return;
        }

        await storage.EnsureTableAsync(TableName, cancellationToken);
        var actions = raised.Select(c => new TableTransactionAction(
            TableTransactionActionType.UpsertReplace, new TableEntity(Partition, TrimmedPrefix + c.Key) { [BeforeColumn] = c.Cutoff })).ToList();
        foreach (var chunk in actions.Chunk(100))
        {
            await storage.GetTable(TableName).SubmitTransactionAsync(chunk, cancellationToken);
        }

        foreach (var (key, cutoff) in raised)
        {
            _trimmed[key] = cutoff;
        }
    }

    /// <summary>Remembers where a step stopped (null: it reached the end of its range; the next run starts at the front).</summary>
    public async Task SaveResumeAsync(AcsStorage storage, string key, (string PartitionKey, string RowKey)? after, CancellationToken cancellationToken)
    {
        if (after == ResumeAfter(key))
        {
            return;
        }

        var table = storage.GetTable(TableName);
        if (after is { } last)
        {
            await storage.EnsureTableAsync(TableName, cancellationToken);
            await table.UpsertEntityAsync(new TableEntity(Partition, ResumePrefix + key) { [AfterPartitionColumn] = last.PartitionKey, [AfterRowColumn] = last.RowKey }, TableUpdateMode.Replace, cancellationToken);
            _resume[key] = last;
            return;
        }

        try
        {
            await table.DeleteEntityAsync(Partition, ResumePrefix + key, ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }

        _resume.Remove(key);
    }

    /// <summary>Records <paramref name="intent"/> before its rows are deleted; returns the ETag of what was written.</summary>
    public static async Task<ETag> WriteIntentAsync(AcsStorage storage, BlobIntent intent, CancellationToken cancellationToken)
    {
        await storage.EnsureTableAsync(TableName, cancellationToken);
        var response = await storage.GetTable(TableName).UpsertEntityAsync(intent.ToEntity(), TableUpdateMode.Replace, cancellationToken);
        return response.Headers.ETag ?? ETag.All;
    }

    /// <summary>
    /// Forgets an intent once its blobs are dealt with (gone with their rows, or kept with them), If-Match
    /// <paramref name="etag"/>: an intent another run wrote since (the same transaction's rows) stays for that run.
    /// </summary>
    public static async Task DeleteIntentAsync(AcsStorage storage, BlobIntent intent, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            await storage.GetTable(TableName).DeleteEntityAsync(BlobIntent.Partition, intent.Id, etag, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
        }
    }

    /// <summary>Takes <paramref name="row"/> as a trimmed cutoff if it is one.</summary>
    private bool ReadTrimmed(TableEntity row)
    {
        if (!row.RowKey.StartsWith(TrimmedPrefix, StringComparison.Ordinal) || row.GetDateTimeOffset(BeforeColumn) is not { } before)
        {
            return false;
        }

        _trimmed[row.RowKey[TrimmedPrefix.Length..]] = before;
        return true;
    }

    private DateTimeOffset TrimmedBefore(string key) => _trimmed.GetValueOrDefault(key, DateTimeOffset.MinValue);
}
