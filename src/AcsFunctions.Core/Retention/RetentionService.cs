using System.Globalization;
using Azure;
using Azure.Data.Tables;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcsFunctions.Retention;

/// <summary>
/// Deletes what is older than its table's setting (<see cref="RetentionOptions"/>), by partition-key range only: every
/// table here starts its partition keys with a time (<c>yyyyMMddHHmm…</c>, <c>H</c>yyyyMMddHH, <c>D</c>yyyyMMdd), so the
/// expired partitions of a table are one contiguous range read from the oldest up, keys only — a run reads the
/// partitions it deletes and never a live one. Call records (keyed by call) go through the per-call rows of their
/// call-start minute. Guards keep what the roll-up still needs: a minute with a pending window mark, a minute
/// aggregate row whose hour and day rows do not exist yet (or are being recomputed), an hourly row without its day row.
/// Each table is bounded per run (<see cref="RetentionOptions.MaxRowsPerTable"/>, rows read, kept ones included); a run
/// that stops at its bound leaves a resume point (<see cref="RetentionState"/>) and the next run continues after it, so
/// rows a guard keeps at the front of a table never stall the rows behind them; a run that reaches the end of the range
/// clears it. Before deleting, a run records the cutoffs it deletes below (<see cref="RetentionState"/>): the roll-up
/// rebuilds an hour or day whose finer rows may be gone from the raw rows, or leaves it as it is, never from what is
/// left. Deletes are entity-group transactions of at most 100 rows of one partition, If-Match on the ETag read, so a row
/// rewritten meanwhile stays for the next run; payload blobs go after their rows.
/// </summary>
public sealed class RetentionService
{
    private const int PageSize = 1000;
    private const string IndexRowKey = "start";

    private readonly AcsStorage _storage;
    private readonly RetentionDeletes _deletes;
    private readonly MarkStore _marks;
    private readonly RetentionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<RetentionService> _logger;
    private DateTimeOffset _nextDue = DateTimeOffset.MinValue;

    internal RetentionService(AcsStorage storage, TableWriter writer, MarkStore marks, IOptions<RetentionOptions> options, TimeProvider time, ILogger<RetentionService> logger)
    {
        _storage = storage;
        _deletes = new RetentionDeletes(storage, writer, time, logger);
        _marks = marks;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>The settings in force.</summary>
    public RetentionOptions Options => _options;

    /// <summary>
    /// What the roll-up timer calls after each roll-up: a run when retention is enabled and <see cref="RetentionOptions.Interval"/>
    /// has passed since the last complete one (at once again when the last one stopped at its bound); null otherwise.
    /// </summary>
    public async Task<RetentionResult?> RunIfDueAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        if (!_options.Enabled || now < _nextDue)
        {
            return null;
        }

        var result = await RunAsync(dryRun: false, progress: null, cancellationToken);
        _nextDue = result.More ? now : now + _options.Interval;
        return result;
    }

    /// <summary>One run over every table: deletes (or, dry, only counts) the expired rows, bounded per table.</summary>
    /// <param name="dryRun">Read and count only; nothing is deleted or marked.</param>
    /// <param name="progress">Told each table's result as soon as it is done.</param>
    /// <param name="cancellationToken">Stops between transactions; what is deleted stays deleted, the rest waits for the next run.</param>
    /// <exception cref="StorageUnavailableException">Table storage cannot be reached.</exception>
    public async Task<RetentionResult> RunAsync(bool dryRun, IProgress<RetentionTableResult>? progress = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await RunOnceAsync(dryRun, progress, cancellationToken);
        }
        catch (Exception ex) when (ex is not StorageUnavailableException && TransientErrors.IsTransient(ex) && !cancellationToken.IsCancellationRequested)
        {
            throw new StorageUnavailableException($"Table storage is unavailable for retention: {TransientErrors.Describe(ex)}", ex);
        }
    }

    private async Task<RetentionResult> RunOnceAsync(bool dryRun, IProgress<RetentionTableResult>? progress, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var now = _time.GetUtcNow();
        var run = new RetentionRun(dryRun);
        var latest = RetentionStep.All.Where(s => !s.OldPages).Max(s => s.Cutoff(now, _options));
        var state = await RetentionState.LoadAsync(_storage, run.Guards, cancellationToken);
        var orphans = dryRun ? 0 : await _deletes.RecoverAsync(state.BlobIntents, run, cancellationToken);
        if (!dryRun)
        {
            // Before the marks are read: a roll-up that reads these cutoffs afterwards, and the marks it leaves pending,
            // are both seen — no hour or day is recomputed from finer rows this run deletes.
            await state.RaiseTrimmedAsync(_storage, RetentionStep.All.Where(s => !s.OldPages).Select(s => (RetentionState.KeyOf(s.Table, s.Tier), s.Cutoff(now, _options))), cancellationToken);
        }

        var marks = await PendingMarks.LoadAsync(
            _storage.GetTable(TableNames.RollupPending), CoarseTiers.FloorDay(latest).AddDays(1).ToString("yyyyMMdd", CultureInfo.InvariantCulture), run.Guards, cancellationToken);

        var tables = new List<RetentionTableResult>();
        foreach (var step in RetentionStep.All)
        {
            var cutoff = step.Cutoff(now, _options);
            var result = new RetentionTableResult
            {
                Table = step.Table, Tier = step.Tier, Setting = step.Setting, RetentionDays = step.Age(_options).TotalDays, Cutoff = cutoff,
            };
            if (step.Guard == RetentionGuard.Calls)
            {
                var callRecords = new RetentionTableResult { Table = TableNames.CallRecords, Tier = "rows", Setting = step.Setting, RetentionDays = result.RetentionDays, Cutoff = cutoff };
                await RunCallsAsync(step, cutoff, marks, state, result, callRecords, run, cancellationToken);
                Report(callRecords, progress, tables);
            }
            else
            {
                await RunRangeAsync(step, cutoff, marks, state, result, run, cancellationToken);
                if (step.OldPages && result.RowsRead == 0)
                {
                    continue; // a store without old pages (or whose old pages are gone) has nothing to say here
                }
            }

            Report(result, progress, tables);
            if (!dryRun && step.Tier == RetentionStep.HourTier && RetentionStep.HourPagesOf(step.Table) is { } pages
                && tables.LastOrDefault(t => t.Table == pages.Table && t.Tier == pages.Tier) is { More: false })
            {
                // Hour pages again, after the hourly rows: a roll-up that loaded the retention state before this run raised
                // it may have rewritten a day's hour page between the page step and the hourly rows (docs/retention.md).
                var again = new RetentionTableResult
                {
                    Table = pages.Table, Tier = pages.Tier, Setting = pages.Setting, RetentionDays = pages.Age(_options).TotalDays, Cutoff = pages.Cutoff(now, _options),
                };
                await RunRangeAsync(pages, again.Cutoff, marks, state, again, run, cancellationToken);
                if (again.RowsRead > 0)
                {
                    Report(again, progress, tables);
                }
            }
        }

        var late = await RunLateMarksAsync(now, run, cancellationToken);
        if (late.RowsRead > 0)
        {
            Report(late, progress, tables);
        }

        var outcome = new RetentionResult
        {
            DryRun = dryRun, Now = now, Tables = tables, GuardRowsRead = run.Guards.Rows, ReadQueries = run.Guards.Queries + run.Expired.Queries,
            Transactions = run.Transactions, OrphanBlobsDeleted = orphans, UnreadableIntents = state.UnreadableIntents, Elapsed = _time.GetElapsedTime(started),
        };
        if (state.UnreadableIntents.Count > 0)
        {
            RetentionLog.UnreadableIntents(_logger, state.UnreadableIntents.Count, RetentionState.TableName, string.Join(", ", state.UnreadableIntents.Take(10)));
        }

        // A dry run deletes nothing: its log counts what would go, and says so.
        RetentionLog.RetentionCompleted(_logger, dryRun ? " (dry run: nothing deleted, counts are what would be)" : string.Empty, dryRun ? outcome.WouldDelete : outcome.Deleted, tables.Sum(t => t.Kept), outcome.RowsRead, outcome.GuardRowsRead,
            outcome.ReadQueries, outcome.Transactions, outcome.More, outcome.Elapsed);
        return outcome;
    }

    /// <summary>
    /// The <c>late</c> marks (docs/retention.md, late data after retention): each records a period whose late data could
    /// not be added exactly, and health shows it with its age. A mark goes with the health counters of its time, once it
    /// was last marked longer ago than <see cref="RetentionOptions.IngestHealth"/>; a mark made again meanwhile (its ETag
    /// changed) stays.
    /// </summary>
    private async Task<RetentionTableResult> RunLateMarksAsync(DateTimeOffset now, RetentionRun run, CancellationToken cancellationToken)
    {
        var cutoff = now - _options.IngestHealth;
        var result = new RetentionTableResult
        {
            Table = TableNames.RollupPending, Tier = RollupMarkKinds.Late, Setting = nameof(RetentionOptions.IngestHealth),
            RetentionDays = _options.IngestHealth.TotalDays, Cutoff = cutoff,
        };
        var marks = await TableReads.QueryAsync(
            _storage.GetTable(TableNames.RollupPending), RollupMarks.KindFilter(RollupMarkKinds.Late), ["MarkedAt"], run.Expired, cancellationToken);
        result.RowsRead = marks.Count;
        var expired = marks.Where(m => m.GetDateTimeOffset("MarkedAt") is not { } marked || marked < cutoff).ToList();
        result.Oldest = expired.Select(m => m.GetDateTimeOffset("MarkedAt")).Min(); // when the oldest expired mark was made
        await _deletes.DeleteAsync(TableNames.RollupPending, expired, payloads: false, result, run, cancellationToken);
        return result;
    }

    private void Report(RetentionTableResult result, IProgress<RetentionTableResult>? progress, List<RetentionTableResult> tables)
    {
        RetentionLog.RetentionTable(_logger, result.Table, result.Tier, result.Cutoff, Math.Max(result.Deleted, result.WouldDelete), result.Kept, result.Conflicts, result.More); // WouldDelete is 0 unless a dry run
        tables.Add(result);
        progress?.Report(result);
    }

    /// <summary>One range step: read the expired partitions page by page (keys only), keep what a guard holds back, delete the rest.</summary>
    private async Task RunRangeAsync(RetentionStep step, DateTimeOffset cutoff, PendingMarks marks, RetentionState state, RetentionTableResult result, RetentionRun run, CancellationToken cancellationToken)
    {
        var table = _storage.GetTable(step.Table);
        var coarse = new CoarseRows(_storage.GetTable(step.Table), run.Guards);
        string[] select = step.Payloads ? [PayloadColumns.Blob] : [];
        var position = new ResumePosition(RetentionState.KeyOf(step.Table, step.Tier), state);
        await foreach (var page in ExpiredPagesAsync(step, table, step.ExpiredFilter(cutoff), select, position, result, run, cancellationToken))
        {
            var go = new List<TableEntity>();
            foreach (var row in page)
            {
                if (await MayGoAsync(step, row, marks, coarse, result, run, cancellationToken))
                {
                    go.Add(row);
                }
                else
                {
                    result.Kept++;
                }
            }

            await _deletes.DeleteAsync(step.Table, go, step.Payloads, result, run, cancellationToken);
        }

        await SaveAsync(position, state, result, run, cancellationToken);
    }

    /// <summary>After a step: where it stopped when it hit its bound, or nothing (the next run starts at the front). Not in a dry run.</summary>
    private async Task SaveAsync(ResumePosition position, RetentionState state, RetentionTableResult result, RetentionRun run, CancellationToken cancellationToken)
    {
        if (!run.DryRun)
        {
            await state.SaveResumeAsync(_storage, position.Key, result.More ? position.Last : null, cancellationToken);
        }
    }

    /// <summary>A step's resume point: where this run starts (after the last run's last row) and the last row it read.</summary>
    private sealed class ResumePosition(string key, RetentionState state)
    {
        public string Key { get; } = key;

        public (string PartitionKey, string RowKey)? After { get; } = state.ResumeAfter(key);

        public (string PartitionKey, string RowKey)? Last { get; set; }

        /// <summary>The step's filter, narrowed to the rows after the resume point (the range is in key order).</summary>
        public string Narrow(string filter) => After is { } after
            ? filter + TableClient.CreateQueryFilter($" and (PartitionKey gt {after.PartitionKey} or (PartitionKey eq {after.PartitionKey} and RowKey gt {after.RowKey}))")
            : filter;
    }

    /// <summary>
    /// The expired rows, page by page, from the oldest partition (or the step's resume point) up, until the range ends
    /// or the table's bound is reached (then <see cref="RetentionTableResult.More"/>, and the last row read is the next
    /// run's resume point).
    /// </summary>
    private async IAsyncEnumerable<List<TableEntity>> ExpiredPagesAsync(
        RetentionStep step, TableClient table, string filter, string[] select, ResumePosition position, RetentionTableResult result, RetentionRun run,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var columns = new[] { "PartitionKey", "RowKey" }.Concat(select).ToList();
        var pages = table.QueryAsync<TableEntity>(position.Narrow(filter), maxPerPage: Math.Min(PageSize, _options.MaxRowsPerTable), select: columns, cancellationToken: cancellationToken).AsPages();
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
                yield break; // the table was never written
            }

            var page = enumerator.Current;
            run.Expired.Add(1, page.Values.Count);
            var rows = page.Values.Take((int)Math.Max(0, _options.MaxRowsPerTable - result.RowsRead)).ToList();
            result.RowsRead += rows.Count;
            if (rows.Count > 0)
            {
                result.Oldest ??= step.TimeOf(rows[0].PartitionKey, rows[0].RowKey);
                position.Last = (rows[^1].PartitionKey, rows[^1].RowKey);
                yield return rows;
            }

            if (result.RowsRead >= _options.MaxRowsPerTable && (rows.Count < page.Values.Count || page.ContinuationToken is not null))
            {
                result.More = true;
                yield break;
            }
        }
    }

    private async Task<bool> MayGoAsync(RetentionStep step, TableEntity row, PendingMarks marks, CoarseRows coarse, RetentionTableResult result, RetentionRun run, CancellationToken cancellationToken)
    {
        if (step.OldPages && step.TimeOf(row.PartitionKey, row.RowKey) is null)
        {
            return false; // only a page chunk's key goes by this step, never another row filed under "P" (review)
        }

        switch (step.Guard)
        {
            case RetentionGuard.WindowMarks:
                // Also kept while its hour is pending: an hour whose minute rows are gone is rebuilt from these records.
                return !marks.WindowMinutes.Contains(Minute(row.PartitionKey)) && !marks.HoursWithMarks.Contains(Hour(row.PartitionKey));
            case RetentionGuard.HourAndDayRows:
            {
                if (step.TimeOf(row.PartitionKey) is not { } minute)
                {
                    return false;
                }

                var hour = CoarseTiers.HourKey(minute);
                var day = CoarseTiers.DayKey(minute);
                if (marks.ChangingPeriods.Contains(hour[1..]) || marks.Periods.Contains(CoarseTiers.MarkKey(hour, step.Table)) || marks.Periods.Contains(CoarseTiers.MarkKey(day, step.Table)))
                {
                    return false; // the hour will be recomputed from all its minutes (a minute of it changed), or is being recomputed
                }

                var hourRows = await coarse.HourAsync(CoarseTiers.FloorHour(minute), cancellationToken);
                if (hourRows.Count == 0)
                {
                    await RequestAsync(RollupMarkKinds.Hour, hour, CoarseTiers.FloorHour(minute), step.Table, marks, result, run, cancellationToken);
                    return false;
                }

                return hourRows.Contains(row.RowKey) && (await coarse.DayAsync(CoarseTiers.FloorDay(minute), cancellationToken)).Contains(row.RowKey);
            }

            case RetentionGuard.DayRows:
            {
                if (step.TimeOf(row.PartitionKey) is not { } hourStart)
                {
                    return false;
                }

                var day = CoarseTiers.DayKey(hourStart);
                if (marks.ChangingPeriods.Contains(day[1..]) || marks.DaysWithHourMarks.Contains(CoarseTiers.MarkKey(day, step.Table)) || marks.Periods.Contains(CoarseTiers.MarkKey(day, step.Table)))
                {
                    return false; // the day will be recomputed from all its hours
                }

                var dayRows = await coarse.DayAsync(CoarseTiers.FloorDay(hourStart), cancellationToken);
                if (dayRows.Count == 0)
                {
                    await RequestAsync(RollupMarkKinds.Day, day, CoarseTiers.FloorDay(hourStart), step.Table, marks, result, run, cancellationToken);
                    return false;
                }

                return dayRows.Contains(row.RowKey);
            }

            default:
                return true;
        }
    }

    /// <summary>
    /// Old rows with no coarse row at all (a store written before hourly and daily rows existed): mark the period so the
    /// roll-up builds its rows from them; a later run deletes them. Once per period and run; never in a dry run.
    /// </summary>
    private async Task RequestAsync(string kind, string periodKey, DateTimeOffset start, string table, PendingMarks marks, RetentionTableResult result, RetentionRun run, CancellationToken cancellationToken)
    {
        var key = CoarseTiers.MarkKey(periodKey, table);
        if (run.DryRun || !marks.Periods.Add(key))
        {
            return;
        }

        await _marks.MarkAsync(kind, key, string.Empty, kind, start, cancellationToken);
        result.CoarseRowsRequested++;
    }

    /// <summary>
    /// Per-call rows of expired call-start minutes: each call's records (its <see cref="TableNames.CallRecords"/> partition,
    /// read keys only), then its index row, then the per-call row itself — in that order, so a run that stops half way
    /// finds the call again through its per-call row.
    /// </summary>
    private async Task RunCallsAsync(
        RetentionStep step, DateTimeOffset cutoff, PendingMarks marks, RetentionState state, RetentionTableResult calls, RetentionTableResult records, RetentionRun run, CancellationToken cancellationToken)
    {
        var table = _storage.GetTable(step.Table);
        var position = new ResumePosition(RetentionState.KeyOf(step.Table, step.Tier), state);
        await foreach (var page in ExpiredPagesAsync(step, table, step.ExpiredFilter(cutoff), [], position, calls, run, cancellationToken))
        {
            records.Oldest ??= calls.Oldest;
            // A call is kept while it, its call-start minute, or that minute's hour (rebuilt from the per-call rows when
            // its minute rows are gone) is pending.
            var go = page.Where(row => !marks.Calls.Contains(row.RowKey) && !marks.CallWindowMinutes.Contains(Minute(row.PartitionKey))
                && !marks.HoursWithMarks.Contains(Hour(row.PartitionKey))).ToList();
            calls.Kept += page.Count - go.Count;
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = _storage.Options.MaxParallelBatches, CancellationToken = cancellationToken };
            var done = new System.Collections.Concurrent.ConcurrentBag<TableEntity>();
            await Parallel.ForEachAsync(go, parallel, async (call, ct) =>
            {
                var callRows = await TableReads.QueryAsync(
                    _storage.GetTable(TableNames.CallRecords), TableClient.CreateQueryFilter($"PartitionKey eq {call.RowKey}"), [PayloadColumns.Blob], run.Expired, ct);
                lock (records)
                {
                    records.RowsRead += callRows.Count;
                }

                if (await _deletes.DeleteAsync(TableNames.CallRecords, callRows, payloads: true, records, run, ct) > 0)
                {
                    return; // some record changed meanwhile: keep the call for the next run
                }

                if (!run.DryRun)
                {
                    await _deletes.DeleteIfExistsAsync(TableNames.AggCallIndex, call.RowKey, IndexRowKey, ct);
                }

                done.Add(call);
            });
            await _deletes.DeleteAsync(step.Table, [.. done], payloads: false, calls, run, cancellationToken);
        }

        await SaveAsync(position, state, calls, run, cancellationToken);
    }

    /// <summary>
    /// The oldest row each table and tier keeps now (one single-row range read each), with the cutoff it is held to:
    /// an oldest row before its cutoff means retention is behind or a guard holds it.
    /// </summary>
    public async Task<IReadOnlyList<RetentionStatus>> StatusAsync(CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        var statuses = new List<RetentionStatus>();
        foreach (var step in RetentionStep.All)
        {
            var oldest = await RetentionOldest.ReadAsync(_storage.GetTable(step.Table), step.TierFilter(), cancellationToken);
            if (step.OldPages && oldest is null)
            {
                continue; // shown only while a store still holds pages in an aggregate table
            }

            var status = new RetentionStatus(step.Table, step.Tier, step.Setting, step.Age(_options).TotalDays, step.Cutoff(now, _options), oldest is null ? null : step.TimeOf(oldest.Value.PartitionKey, oldest.Value.RowKey));
            statuses.Add(status);
            if (step.Guard == RetentionGuard.Calls)
            {
                statuses.Add(status with { Table = TableNames.CallRecords, Tier = "rows" }); // call records go with their per-call rows
            }
        }

        return statuses;
    }

    private static string Minute(string partitionKey) =>
        partitionKey.Length >= Windows.KeyFormat.Length ? partitionKey[..Windows.KeyFormat.Length] : partitionKey;

    private static string Hour(string partitionKey) => partitionKey.Length >= 10 ? partitionKey[..10] : partitionKey;
}
