using System.Globalization;
using Azure;
using Azure.Data.Tables;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;

namespace AcsFunctions.Health;

/// <summary>
/// The <c>IngestHealth</c> table: PartitionKey = ingest hour (<c>yyyyMMddHH</c>, UTC) with a shard of the source
/// (<c>yyyyMMddHH|sNN</c>, #20: parallel ingesting instances write different partitions; rows from before #20 have the
/// bare hour and are read by the same hour range), RowKey =
/// <c>sourceType|source|category</c> (a source's rows are one key range); columns <c>Category</c>, <c>SourceType</c>, <c>Source</c>, <c>Hour</c> and the
/// <see cref="HealthCounters"/>. Rows are merged, not replaced: every writer (parallel ingests, several hosts) reads the
/// rows, adds its counts and writes them back only if their ETags are unchanged, else reads again — no count is lost.
/// </summary>
public sealed class HealthStore
{
    /// <summary>The table (logical name).</summary>
    public const string Table = "IngestHealth";

    /// <summary>Read-add-write rounds per group of rows before a merge gives up (its counts are kept for the next flush).</summary>
    public const int MaxMergeAttempts = 16;

    private const string HourFormat = "yyyyMMddHH";

    private readonly AcsStorage _storage;

    /// <summary>Creates the store.</summary>
    public HealthStore(AcsStorage storage) => _storage = storage;

    /// <summary>The PartitionKey of the hour that contains <paramref name="time"/>.</summary>
    public static string HourKey(DateTimeOffset time) => HourOf(time).ToString(HourFormat, CultureInfo.InvariantCulture);

    /// <summary>The start of the UTC hour that contains <paramref name="time"/>.</summary>
    public static DateTimeOffset HourOf(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }

    /// <summary>
    /// Adds each delta to its row in the hour of <paramref name="ingestTime"/>. A source's rows of one hour are one
    /// key range, so each source is one range read and one entity-group transaction that adds the missing rows and
    /// replaces the others only if their ETag is unchanged; when another writer came in between, the whole
    /// transaction fails and is read and tried again (up to <see cref="MaxMergeAttempts"/> times). Never throws:
    /// returns the deltas that were not written (storage errors, cancellation, rows that kept changing) and why.
    /// </summary>
    public async Task<(IReadOnlyList<KeyValuePair<HealthKey, HealthCounters>> Unwritten, string? Error)> MergeAsync(
        DateTimeOffset ingestTime, IReadOnlyCollection<KeyValuePair<HealthKey, HealthCounters>> deltas, CancellationToken cancellationToken = default)
    {
        var unwritten = new List<KeyValuePair<HealthKey, HealthCounters>>();
        string? error = null;
        foreach (var group in deltas.GroupBy(d => d.Key.Source).SelectMany(source => source.Chunk(EntityLimits.MaxBatchActions)))
        {
            if (cancellationToken.IsCancellationRequested)
            {
                unwritten.AddRange(group);
                error ??= "cancelled";
                continue;
            }

            try
            {
                await _storage.EnsureTableAsync(Table, cancellationToken);
                if (!await MergeGroupAsync(ingestTime, group, cancellationToken))
                {
                    unwritten.AddRange(group);
                    error ??= $"the rows of {group[0].Key.Source.Name} kept changing for {MaxMergeAttempts} attempts";
                }
            }
            catch (Exception ex)
            {
                // Health bookkeeping never fails ingest; the caller keeps these counts for the next flush.
                unwritten.AddRange(group);
                error ??= ex.Message;
            }
        }

        return (unwritten, error);
    }

    private async Task<bool> MergeGroupAsync(DateTimeOffset ingestTime, KeyValuePair<HealthKey, HealthCounters>[] group, CancellationToken cancellationToken)
    {
        var table = _storage.GetTable(Table);
        var partitionKey = PartitionKey(ingestTime, group[0].Key.Source);
        var prefix = SourcePrefix(group[0].Key.Source);
        var rowKeys = group.Select(d => prefix + KeyEncoder.Encode(d.Key.Category)).ToArray();
        for (var attempt = 0; attempt < MaxMergeAttempts; attempt++)
        {
            // The source's rows of this hour (one per category): a range read, then one transaction.
            var existing = (await TableReads.PrefixAsync(table, partitionKey, prefix, null, cancellationToken)).ToDictionary(e => e.RowKey, StringComparer.Ordinal);
            var actions = new List<TableTransactionAction>(group.Length);
            for (var i = 0; i < group.Length; i++)
            {
                var (key, delta) = group[i];
                var current = existing.GetValueOrDefault(rowKeys[i]);
                var merged = current is null ? new HealthCounters() : HealthCounters.ReadFrom(current);
                merged.Merge(delta);
                var entity = new TableEntity(partitionKey, rowKeys[i])
                {
                    ["Category"] = key.Category,
                    ["SourceType"] = key.Source.Type,
                    ["Source"] = key.Source.Name,
                    ["Hour"] = HourOf(ingestTime),
                };
                merged.WriteTo(entity);
                actions.Add(current is null
                    ? new TableTransactionAction(TableTransactionActionType.Add, entity)
                    : new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, current.ETag));
            }

            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken);
                return true;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Someone else added or changed one of the rows since we read them: read again and add to theirs.
            }
        }

        return false;
    }

    /// <summary>The PartitionKey a source's rows of the hour of <paramref name="ingestTime"/> are written to: <c>yyyyMMddHH|sNN</c>.</summary>
    public static string PartitionKey(DateTimeOffset ingestTime, HealthSource source) =>
        KeyShards.Append(HourKey(ingestTime), SourcePrefix(source));

    /// <summary>The RowKey prefix of a source's rows, <c>sourceType|source|</c> (a very long source is capped, with a hash).</summary>
    private static string SourcePrefix(HealthSource source) => KeyEncoder.Cap(KeyEncoder.Join(source.Type, source.Name), 400) + "|";

    /// <summary>The rows of the ingest hours that overlap [<paramref name="from"/>, <paramref name="to"/>), optionally of one category.</summary>
    public async Task<List<(HealthKey Key, DateTimeOffset Hour, HealthCounters Counters)>> ReadAsync(DateTimeOffset from, DateTimeOffset to, string? category, CancellationToken cancellationToken = default)
    {
        var lastHour = HourOf(to);
        var end = lastHour == to ? lastHour : lastHour.AddHours(1);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {HourKey(from)} and PartitionKey lt {end.ToString(HourFormat, CultureInfo.InvariantCulture)}");
        if (category is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Category eq {category}");
        }

        var rows = await TableReads.QueryAsync(_storage.GetTable(Table), filter, null, cancellationToken);
        return
        [
            .. rows.Select(row => (
                new HealthKey(
                    EntityValues.Text(row, "Category") ?? HealthKey.UnknownCategory,
                    new HealthSource(EntityValues.Text(row, "SourceType") ?? HealthSource.None, EntityValues.Text(row, "Source") ?? "-")),
                EntityValues.Time(row, "Hour") ?? DateTimeOffset.ParseExact(row.PartitionKey[..HourFormat.Length], HourFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                HealthCounters.ReadFrom(row))),
        ];
    }
}
