using Azure.Data.Tables;
using AcsFunctions.Storage;
using Microsoft.Extensions.Logging;

namespace AcsFunctions.Rollups;

/// <summary>
/// Recomputes one call from its call partition (a single partition query): writes the call's aggregate row under
/// its call-start window, removes the row from the previous start window when the start moved (a later summary
/// version, or the first summary after diagnostics-only records), and marks both call-start windows for the
/// window aggregates. The call index is updated last, so a crash anywhere before it repeats the whole step.
/// </summary>
internal sealed class CallRollup
{
    private const string IndexRowKey = "start";

    private readonly AcsStorage _storage;
    private readonly AggregateWriter _writer;
    private readonly MarkStore _marks;
    private readonly ILogger<CallRollup> _logger;

    public CallRollup(AcsStorage storage, AggregateWriter writer, MarkStore marks, ILogger<CallRollup> logger)
    {
        _storage = storage;
        _writer = writer;
        _marks = marks;
        _logger = logger;
    }

    public async Task RecomputeAsync(TableEntity mark, RollupCounters counters, CancellationToken cancellationToken)
    {
        var callKey = mark.RowKey;
        var rows = await TableReads.QueryAsync(_storage.GetTable(TableNames.CallRecords), TableClient.CreateQueryFilter($"PartitionKey eq {callKey}"), CallAggregator.SourceColumns, counters.Reads, cancellationToken);
        counters.RecordRowsRead(rows.Count);
        var call = CallAggregator.Compute(callKey, rows);

        var index = await TableReads.PointAsync(_storage.GetTable(TableNames.AggCallIndex), callKey, IndexRowKey, cancellationToken);
        counters.Reads.Add(1, index is null ? 0 : 1);
        counters.AggregateRowsRead(index is null ? 0 : 1);
        var previousWindow = index?.GetString("StartWindow");
        var resourceKey = call?.Resource.Key ?? mark.GetString("ResourceKey") ?? string.Empty;

        // Both call-start windows are marked before any call row changes: a run that dies after changing a call row
        // leaves the windows that row affects marked, so queries flag them incomplete until a run recomputes them.
        if (call is not null)
        {
            await MarkWindowAsync(call.WindowKey, resourceKey, counters, cancellationToken);
        }

        if (previousWindow is not null && previousWindow != call?.WindowKey)
        {
            await MarkWindowAsync(previousWindow, resourceKey, counters, cancellationToken);
        }

        if (call is not null)
        {
            await _writer.WriteAsync(TableNames.AggCalls, [call.ToEntity()], counters, cancellationToken);
        }

        if (previousWindow is not null && previousWindow != call?.WindowKey)
        {
            if (call is not null)
            {
                RollupLog.CallMoved(_logger, callKey, previousWindow, call.WindowKey);
            }

            await _writer.DeleteAsync(TableNames.AggCalls, previousWindow, callKey, counters, cancellationToken);
        }

        var newIndex = call is null ? null : new TableEntity(callKey, IndexRowKey) { ["StartWindow"] = call.WindowKey };
        if (newIndex is not null && previousWindow == call!.WindowKey)
        {
            return; // unchanged
        }

        await _writer.ReplaceRowAsync(TableNames.AggCallIndex, callKey, IndexRowKey, newIndex, counters, cancellationToken);
    }

    private Task MarkWindowAsync(string windowKey, string resourceKey, RollupCounters counters, CancellationToken cancellationToken)
    {
        var window = Windows.Parse(windowKey);
        counters.Window(window);
        return _marks.MarkAsync(RollupMarkKinds.CallWindow, KeyEncoder.Join(windowKey, resourceKey), resourceKey, "Call", window, cancellationToken);
    }
}
