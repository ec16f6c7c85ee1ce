using System.Globalization;
using Azure;
using Azure.Data.Tables;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;

namespace AcsFunctions.Health;

/// <summary>
/// The <c>IngestHealth</c> table: PartitionKey = ingest hour (<c>yyyyMMddHH</c>, UTC), RowKey =
/// <c>category|sourceType|source</c>; columns <c>Category</c>, <c>SourceType</c>, <c>Source</c>, <c>Hour</c> and the
/// <see cref="HealthCounters"/>. Rows are merged, not replaced: every writer (parallel ingests, several hosts) reads the
/// row, adds its counts and writes it back only if its ETag is unchanged, else reads again — no count is lost.
/// </summary>
public sealed class HealthStore
{
    /// <summary>The table (logical name).</summary>
    public const string Table = "IngestHealth";

    /// <summary>Read-add-write rounds per row before a merge gives up (its counts are kept for the next flush).</summary>
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
    /// Adds <paramref name="delta"/> to the row of <paramref name="key"/> in the hour of <paramref name="ingestTime"/>
    /// (ETag-guarded read-add-write). Returns false when the row kept changing under us for
    /// <see cref="MaxMergeAttempts"/> rounds; storage errors propagate.
    /// </summary>
    public async Task<bool> MergeAsync(DateTimeOffset ingestTime, HealthKey key, HealthCounters delta, CancellationToken cancellationToken = default)
    {
        await _storage.EnsureTableAsync(Table, cancellationToken);
        var table = _storage.GetTable(Table);
        var partitionKey = HourKey(ingestTime);
        var rowKey = KeyEncoder.Join(key.Category, key.Source.Type, key.Source.Name);
        for (var attempt = 0; attempt < MaxMergeAttempts; attempt++)
        {
            var existing = await TableReads.PointAsync(table, partitionKey, rowKey, cancellationToken);
            var merged = existing is null ? new HealthCounters() : HealthCounters.ReadFrom(existing);
            merged.Merge(delta);
            var entity = new TableEntity(partitionKey, rowKey)
            {
                ["Category"] = key.Category,
                ["SourceType"] = key.Source.Type,
                ["Source"] = key.Source.Name,
                ["Hour"] = HourOf(ingestTime),
            };
            merged.WriteTo(entity);
            try
            {
                if (existing is null)
                {
                    await table.AddEntityAsync(entity, cancellationToken);
                }
                else
                {
                    await table.UpdateEntityAsync(entity, existing.ETag, TableUpdateMode.Replace, cancellationToken);
                }

                return true;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Someone else added or changed the row since we read it: read it again and add to theirs.
            }
        }

        return false;
    }

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
                EntityValues.Time(row, "Hour") ?? DateTimeOffset.ParseExact(row.PartitionKey, HourFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                HealthCounters.ReadFrom(row))),
        ];
    }
}
