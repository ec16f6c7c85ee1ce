using AcsFunctions.Queries;
using AcsFunctions.Retention;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;

namespace AcsFunctions.Health;

/// <summary>
/// <c>health</c>: one row per category × source partition, merged over the ingest hours that overlap the range, with
/// the category's roll-up backlog read from <see cref="TableNames.RollupPending"/> at query time. A category with a
/// backlog but no ingest in range gets a row of its own (no source, zero counts). View <c>retention</c>: the oldest row
/// each table keeps against its retention setting (<see cref="HealthRetentionRow"/>; the range does not apply).
/// </summary>
public sealed class HealthQuery : IQueryKind
{
    private readonly HealthStore _store;
    private readonly AcsStorage _storage;
    private readonly RetentionService _retention;
    private readonly TimeProvider _time;

    /// <summary>The default view: pipeline health per category and source.</summary>
    public const string SourcesView = "sources";

    /// <summary>The oldest row kept per table against its retention setting.</summary>
    public const string RetentionView = "retention";

    /// <summary>Creates the query.</summary>
    public HealthQuery(HealthStore store, AcsStorage storage, RetentionService retention, TimeProvider time)
    {
        _store = store;
        _storage = storage;
        _retention = retention;
        _time = time;
    }

    /// <summary>The views (the first is the default), also without an instance: <see cref="QueryKinds.Views"/>.</summary>
    public static IReadOnlyList<string> AllViews { get; } = [SourcesView, RetentionView];

    /// <inheritdoc />
    public IReadOnlyList<string> Views => AllViews;

    /// <inheritdoc />
    public string Name => QueryKinds.Health;

    /// <inheritdoc />
    public QueryFilters Filters => QueryFilters.Category;

    /// <inheritdoc />
    public Type? RowType(string? view) => view == RetentionView ? typeof(HealthRetentionRow) : typeof(HealthRow);

    /// <inheritdoc />
    public async Task<IReadOnlyList<object>> RunAsync(QueryParameters parameters, CancellationToken cancellationToken = default)
    {
        if (parameters.View == RetentionView)
        {
            var at = _time.GetUtcNow();
            return [.. (await _retention.StatusAsync(cancellationToken)).Select(s => HealthRetentionRow.From(s, at))];
        }

        var rows = await _store.ReadAsync(parameters.From, parameters.To, parameters.Category, cancellationToken);
        var merged = AggregateQuery.Merge(rows, r => r.Key, _ => new HealthCounters(), (total, r) => total.Merge(r.Counters));
        var keys = rows.Select(r => r.Key).Distinct().ToList();
        var now = _time.GetUtcNow();
        var backlog = await BacklogAsync(parameters.Category, now, cancellationToken);

        var result = new List<HealthRow>();
        for (var i = 0; i < keys.Count; i++)
        {
            result.Add(ToRow(keys[i], merged[i], backlog.GetValueOrDefault(keys[i].Category), now));
        }

        foreach (var (category, pending) in backlog)
        {
            if (!keys.Exists(k => k.Category == category))
            {
                result.Add(new HealthRow
                {
                    Category = category,
                    RollupPendingWindows = pending.Count,
                    RollupOldestPendingSeconds = Age(pending.Oldest, now),
                    RollupLeasedMarks = pending.Leased,
                    RollupLeasedUntil = pending.LeasedUntil,
                });
            }
        }

        return
        [
            .. result.OrderBy(r => r.Category, StringComparer.Ordinal)
                .ThenBy(r => r.SourceType, StringComparer.Ordinal)
                .ThenBy(r => r.Source, StringComparer.Ordinal),
        ];
    }

    private static HealthRow ToRow(HealthKey key, HealthCounters c, Backlog backlog, DateTimeOffset now) => new()
    {
        Category = key.Category,
        SourceType = key.Source.Type,
        Source = key.Source.Name,
        Records = c.Records,
        Stored = c.Stored,
        Unclassified = c.Unclassified,
        DeadLettered = c.DeadLettered,
        DeadLetteredByReason = c.DeadLetteredByReason.ToDictionary(),
        LastEventTime = c.LastEventTime,
        LastEnqueuedTime = c.LastEnqueuedTime,
        LastIngestTime = c.LastIngestTime,
        IngestLagSecondsP50 = QueryJson.Round(c.IngestLagSeconds.Quantile(0.50)),
        IngestLagSecondsP95 = QueryJson.Round(c.IngestLagSeconds.Quantile(0.95)),
        IngestLagSecondsP99 = QueryJson.Round(c.IngestLagSeconds.Quantile(0.99)),
        IngestLagSecondsMax = QueryJson.Round(c.IngestLagSeconds.Max),
        DeliveryLagSecondsP50 = QueryJson.Round(c.DeliveryLagSeconds.Quantile(0.50)),
        DeliveryLagSecondsP95 = QueryJson.Round(c.DeliveryLagSeconds.Quantile(0.95)),
        DeliveryLagSecondsP99 = QueryJson.Round(c.DeliveryLagSeconds.Quantile(0.99)),
        DeliveryLagSecondsMax = QueryJson.Round(c.DeliveryLagSeconds.Max),
        RollupPendingWindows = backlog.Count,
        RollupOldestPendingSeconds = Age(backlog.Oldest, now),
        RollupLeasedMarks = backlog.Leased,
        RollupLeasedUntil = backlog.LeasedUntil,
    };

    /// <summary>Pending roll-up marks per category: how many, and when the oldest was written.</summary>
    private async Task<Dictionary<string, Backlog>> BacklogAsync(string? category, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var marks = await TableReads.QueryAsync(_storage.GetTable(TableNames.RollupPending), string.Empty, ["Category", "MarkedAt", RollupMarkKinds.LeaseUntil], cancellationToken);
        var backlog = new Dictionary<string, Backlog>(StringComparer.Ordinal);
        var seen = new HashSet<(string, string)>();
        foreach (var mark in marks)
        {
            // A key marked both in the bare kind partition (before #20) and in its shard is one pending unit.
            var first = seen.Add((RollupMarks.KindOf(mark.PartitionKey), mark.RowKey));

            var markCategory = EntityValues.Text(mark, "Category") ?? HealthKey.UnknownCategory;
            if (category is not null && markCategory != category)
            {
                continue;
            }

            var markedAt = EntityValues.Time(mark, "MarkedAt");
            var (count, oldest, leased, leasedUntil) = backlog.GetValueOrDefault(markCategory);
            if (EntityValues.Time(mark, RollupMarkKinds.LeaseUntil) is { } until && until > now)
            {
                // A key marked in both its bare (pre-#20) and its sharded partition is one leased mark (claimed together).
                leased += first ? 1 : 0;
                leasedUntil = leasedUntil is { } u && u >= until ? u : until;
            }

            backlog[markCategory] = new Backlog(first ? count + 1 : count, oldest is { } o && (markedAt is null || o <= markedAt) ? o : markedAt ?? oldest, leased, leasedUntil);
        }

        return backlog;
    }

    private readonly record struct Backlog(int Count, DateTimeOffset? Oldest, int Leased, DateTimeOffset? LeasedUntil);

    private static double? Age(DateTimeOffset? since, DateTimeOffset now) =>
        since is { } s ? QueryJson.Round(Math.Max(0, (now - s).TotalSeconds)) : null;
}
