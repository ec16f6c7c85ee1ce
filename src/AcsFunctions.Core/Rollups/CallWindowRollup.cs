using Azure.Data.Tables;
using AcsFunctions.Storage;

namespace AcsFunctions.Rollups;

/// <summary>
/// Recomputes the call-start-window aggregates of one (window, resource) from the per-call rows of that window
/// (one range query): calls per window and stream quality per (media type, direction, transport), the latter
/// merged from the stream groups each call row carries.
/// </summary>
internal sealed class CallWindowRollup
{
    private readonly AcsStorage _storage;
    private readonly AggregateWriter _writer;
    private readonly TierRollup _tiers;

    public CallWindowRollup(AcsStorage storage, AggregateWriter writer, TierRollup tiers)
    {
        _storage = storage;
        _writer = writer;
        _tiers = tiers;
    }

    public async Task RecomputeAsync(TableEntity mark, RollupCounters counters, CancellationToken cancellationToken)
    {
        var parts = mark.RowKey.Split('|');
        var windowKey = parts[0];
        var window = Windows.Parse(windowKey);
        var resourceKey = mark.GetString("ResourceKey") ?? KeyEncoder.Decode(parts[^1]);
        var prefix = KeyEncoder.Encode(resourceKey) + "|";
        counters.Window(window);

        var rows = await TableReads.QueryAsync(_storage.GetTable(TableNames.AggCalls), TableReads.PrefixFilter(windowKey, prefix), null, counters.Reads, cancellationToken);
        counters.AggregateRowsRead(rows.Count);
        var (volume, streamRows) = Compute(window, rows);

        await _tiers.MarkHoursAsync(TableNames.AggCallWindows, [window], cancellationToken);
        await _tiers.MarkHoursAsync(TableNames.AggStreamQuality, [window], cancellationToken);
        await _writer.ReplaceRowAsync(TableNames.AggCallWindows, windowKey, KeyEncoder.Encode(resourceKey), volume, counters, cancellationToken);
        await _writer.ReplacePrefixAsync(TableNames.AggStreamQuality, windowKey, prefix, streamRows, counters, cancellationToken);

        // And after the writes (see TierRollup.MarkHoursAsync): a roll-up that read the old minutes recomputes the hour.
        await _tiers.MarkHoursAsync(TableNames.AggCallWindows, [window], cancellationToken);
        await _tiers.MarkHoursAsync(TableNames.AggStreamQuality, [window], cancellationToken);
    }

    /// <summary>
    /// The call-window rows of one (window, resource) from its per-call rows: the volume row (null without calls) and
    /// the stream-quality rows. Also used to rebuild an hour whose minute rows retention deleted (<see cref="TierRollup"/>).
    /// </summary>
    internal static (TableEntity? Volume, List<TableEntity> Streams) Compute(DateTimeOffset window, IReadOnlyList<TableEntity> rows)
    {
        var calls = rows.Select(CallAggregate.FromEntity).ToList();
        CallWindowAggregate? volume = null;
        var groups = new SortedDictionary<(string, string, string), StreamGroup>();
        foreach (var call in calls)
        {
            volume ??= new CallWindowAggregate { WindowStart = window, Resource = call.Resource };
            volume.Add(call);
            foreach (var group in call.StreamGroups)
            {
                var key = (group.MediaType, group.Direction, group.Transport);
                if (!groups.TryGetValue(key, out var merged))
                {
                    merged = group.EmptyCopy();
                    groups[key] = merged;
                }

                merged.Merge(group);
            }
        }

        var resource = calls.Count > 0 ? calls[0].Resource : null;
        return (volume?.ToEntity(), resource is null ? [] : [.. groups.Values.Select(g => g.ToEntity(window, resource))]);
    }
}
