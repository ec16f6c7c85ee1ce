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
/// Each table is bounded per run (<see cref="RetentionOptions.MaxRowsPerTable"/>); the next run continues at the oldest
/// partition left. Deletes are entity-group transactions of at most 100 rows of one partition, If-Match on the ETag
/// read, so a row rewritten meanwhile stays for the next run.
/// </summary>
public sealed class RetentionService
{
    private const int PageSize = 1000;
    private const string IndexRowKey = "start";

    private readonly AcsStorage _storage;
    private readonly TableWriter _writer;
    private readonly MarkStore _marks;
    private readonly RetentionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<RetentionService> _logger;
    private DateTimeOffset _nextDue = DateTimeOffset.MinValue;

    internal RetentionService(AcsStorage storage, TableWriter writer, MarkStore marks, IOptions<RetentionOptions> options, TimeProvider time, ILogger<RetentionService> logger)
    {
        _storage = storage;
        _writer = writer;
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
        var run = new Run(dryRun);
        var latest = RetentionStep.All.Max(s => s.Cutoff(now, _options));
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
                await RunCallsAsync(step, cutoff, marks, result, callRecords, run, cancellationToken);
                Report(callRecords, progress, tables);
            }
            else
            {
                await RunRangeAsync(step, cutoff, marks, result, run, cancellationToken);
            }

            Report(result, progress, tables);
        }

        var outcome = new RetentionResult
        {
            DryRun = dryRun, Now = now, Tables = tables, GuardRowsRead = run.Guards.Rows, ReadQueries = run.Guards.Queries + run.Expired.Queries,
            Transactions = run.Transactions, Elapsed = _time.GetElapsedTime(started),
        };
        RetentionLog.RetentionCompleted(_logger, dryRun ? " (dry run)" : string.Empty, outcome.Deleted, tables.Sum(t => t.Kept), outcome.RowsRead, outcome.GuardRowsRead,
            outcome.ReadQueries, outcome.Transactions, outcome.More, outcome.Elapsed);
        return outcome;
    }

    private void Report(RetentionTableResult result, IProgress<RetentionTableResult>? progress, List<RetentionTableResult> tables)
    {
        RetentionLog.RetentionTable(_logger, result.Table, result.Tier, result.Cutoff, result.Deleted, result.Kept, result.Conflicts, result.More);
        tables.Add(result);
        progress?.Report(result);
    }

    /// <summary>One range step: read the expired partitions page by page (keys only), keep what a guard holds back, delete the rest.</summary>
    private async Task RunRangeAsync(RetentionStep step, DateTimeOffset cutoff, PendingMarks marks, RetentionTableResult result, Run run, CancellationToken cancellationToken)
    {
        var table = _storage.GetTable(step.Table);
        var coarse = new CoarseRows(_storage.GetTable(step.Table), run.Guards);
        string[] select = step.Payloads ? [PayloadColumns.Blob] : [];
        await foreach (var page in ExpiredPagesAsync(step, table, step.ExpiredFilter(cutoff), select, result, run, cancellationToken))
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

            await DeleteAsync(step.Table, go, step.Payloads, result, run, cancellationToken);
        }
    }

    /// <summary>
    /// The expired rows, page by page, from the oldest partition up, until the range ends or the table's bound is
    /// reached (then <see cref="RetentionTableResult.More"/>).
    /// </summary>
    private async IAsyncEnumerable<List<TableEntity>> ExpiredPagesAsync(
        RetentionStep step, TableClient table, string filter, string[] select, RetentionTableResult result, Run run, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var columns = new[] { "PartitionKey", "RowKey" }.Concat(select).ToList();
        var pages = table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(PageSize, _options.MaxRowsPerTable), select: columns, cancellationToken: cancellationToken).AsPages();
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
                result.Oldest ??= step.TimeOf(rows[0].PartitionKey);
                yield return rows;
            }

            if (result.RowsRead >= _options.MaxRowsPerTable && (rows.Count < page.Values.Count || page.ContinuationToken is not null))
            {
                result.More = true;
                yield break;
            }
        }
    }

    private async Task<bool> MayGoAsync(RetentionStep step, TableEntity row, PendingMarks marks, CoarseRows coarse, RetentionTableResult result, Run run, CancellationToken cancellationToken)
    {
        switch (step.Guard)
        {
            case RetentionGuard.WindowMarks:
                return !marks.WindowMinutes.Contains(Minute(row.PartitionKey));
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
    private async Task RequestAsync(string kind, string periodKey, DateTimeOffset start, string table, PendingMarks marks, RetentionTableResult result, Run run, CancellationToken cancellationToken)
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
    private async Task RunCallsAsync(RetentionStep step, DateTimeOffset cutoff, PendingMarks marks, RetentionTableResult calls, RetentionTableResult records, Run run, CancellationToken cancellationToken)
    {
        var table = _storage.GetTable(step.Table);
        await foreach (var page in ExpiredPagesAsync(step, table, step.ExpiredFilter(cutoff), [], calls, run, cancellationToken))
        {
            records.Oldest ??= calls.Oldest;
            var go = page.Where(row => !marks.Calls.Contains(row.RowKey) && !marks.CallWindowMinutes.Contains(Minute(row.PartitionKey))).ToList();
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

                if (await DeleteAsync(TableNames.CallRecords, callRows, payloads: true, records, run, ct) > 0)
                {
                    return; // some record changed meanwhile: keep the call for the next run
                }

                if (!run.DryRun)
                {
                    await DeleteIfExistsAsync(TableNames.AggCallIndex, call.RowKey, IndexRowKey, ct);
                }

                done.Add(call);
            });
            await DeleteAsync(step.Table, [.. done], payloads: false, calls, run, cancellationToken);
        }
    }

    private async Task DeleteIfExistsAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        try
        {
            await _storage.GetTable(table).DeleteEntityAsync(partitionKey, rowKey, ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
    }

    /// <summary>Deletes rows (payload blobs first), one transaction per partition and ≤ 100 rows, If-Match on the ETag read.</summary>
    /// <returns>The rows left because they changed or went meanwhile.</returns>
    private async Task<long> DeleteAsync(string table, IReadOnlyList<TableEntity> rows, bool payloads, RetentionTableResult result, Run run, CancellationToken cancellationToken)
    {
        if (run.DryRun)
        {
            lock (result)
            {
                result.Deleted += rows.Count;
            }

            return 0;
        }

        long conflicts = 0;

        var batches = rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal).SelectMany(g => g.Chunk(100)).ToList();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _storage.Options.MaxParallelBatches, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(batches, parallel, async (batch, ct) =>
        {
            var blobs = payloads ? await DeleteBlobsAsync(batch, ct) : 0;
            try
            {
                run.Transaction();
                await _writer.SubmitTransactionAsync(table, [.. batch.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, r.ETag))], ct);
                lock (result)
                {
                    result.Deleted += batch.Length;
                    result.BlobsDeleted += blobs;
                }
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                RetentionLog.RetentionConflict(_logger, batch.Length, table, batch[0].PartitionKey, ex.Status);
                Interlocked.Add(ref conflicts, batch.Length);
                lock (result)
                {
                    result.Conflicts += batch.Length;
                    result.BlobsDeleted += blobs;
                }
            }
        });
        return conflicts;
    }

    /// <summary>The payload blobs the rows name (blobs go first: a row left behind by a stop still names its blob for the next run).</summary>
    private async Task<int> DeleteBlobsAsync(IEnumerable<TableEntity> rows, CancellationToken cancellationToken)
    {
        var names = rows.Select(r => r.GetString(PayloadColumns.Blob)).OfType<string>().ToList();
        if (names.Count == 0 || _storage.BlobService is not { } service)
        {
            return 0;
        }

        var container = service.GetBlobContainerClient(_storage.Options.PayloadContainer);
        var deleted = 0;
        foreach (var name in names)
        {
            try
            {
                if ((await container.DeleteBlobIfExistsAsync(name, cancellationToken: cancellationToken)).Value)
                {
                    deleted++;
                }
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // the container is gone: so is the blob
            }
        }

        return deleted;
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
            var oldest = await OldestAsync(_storage.GetTable(step.Table), step.TierFilter(), cancellationToken);
            var status = new RetentionStatus(step.Table, step.Tier, step.Setting, step.Age(_options).TotalDays, step.Cutoff(now, _options), oldest is null ? null : step.TimeOf(oldest));
            statuses.Add(status);
            if (step.Guard == RetentionGuard.Calls)
            {
                statuses.Add(status with { Table = TableNames.CallRecords, Tier = "rows" }); // call records go with their per-call rows
            }
        }

        return statuses;
    }

    private static async Task<string?> OldestAsync(TableClient table, string filter, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var page in table.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["PartitionKey"], cancellationToken: cancellationToken).AsPages())
            {
                ReadCost.Current?.Add(1, page.Values.Count);
                if (page.Values.Count > 0)
                {
                    return page.Values[0].PartitionKey;
                }
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }

        return null;
    }

    private static string Minute(string partitionKey) =>
        partitionKey.Length >= Windows.KeyFormat.Length ? partitionKey[..Windows.KeyFormat.Length] : partitionKey;

    /// <summary>What one run counts across tables.</summary>
    private sealed class Run(bool dryRun)
    {
        private long _transactions;

        public bool DryRun { get; } = dryRun;

        public ReadCost Expired { get; } = new();

        public ReadCost Guards { get; } = new();

        public long Transactions => Interlocked.Read(ref _transactions);

        public void Transaction() => Interlocked.Increment(ref _transactions);
    }

    /// <summary>The hour and day rows (RowKeys) of one aggregate table, read once per period and run by range over the expired periods.</summary>
    private sealed class CoarseRows(TableClient table, ReadCost cost)
    {
        private readonly Dictionary<string, HashSet<string>> _periods = new(StringComparer.Ordinal);

        public Task<HashSet<string>> HourAsync(DateTimeOffset hour, CancellationToken cancellationToken) =>
            GetAsync(CoarseTiers.HourKey(hour), CoarseTiers.HourKey(CoarseTiers.FloorDay(hour)), CoarseTiers.HourKey(CoarseTiers.FloorDay(hour).AddDays(1)), cancellationToken);

        public Task<HashSet<string>> DayAsync(DateTimeOffset day, CancellationToken cancellationToken) =>
            GetAsync(CoarseTiers.DayKey(day), CoarseTiers.DayKey(day), CoarseTiers.DayKey(day.AddDays(1)), cancellationToken);

        /// <summary>The RowKeys of one period; loads the whole range it belongs to (a day of hours, or one day) on first use.</summary>
        private async Task<HashSet<string>> GetAsync(string periodKey, string from, string to, CancellationToken cancellationToken)
        {
            if (!_periods.TryGetValue(periodKey, out var rows))
            {
                foreach (var row in await TableReads.QueryAsync(table, TableReads.PartitionRangeFilter(from, to), [], cost, cancellationToken))
                {
                    if (!_periods.TryGetValue(row.PartitionKey, out var keys))
                    {
                        _periods[row.PartitionKey] = keys = new HashSet<string>(StringComparer.Ordinal);
                    }

                    keys.Add(row.RowKey);
                }

                if (!_periods.TryGetValue(periodKey, out rows))
                {
                    _periods[periodKey] = rows = [];
                }

                // Periods of the range without rows are known empty too: do not read the range again for them.
                if (periodKey[0] == 'H')
                {
                    for (var h = 0; h < 24; h++)
                    {
                        var key = string.Concat(from.AsSpan(0, 9), h.ToString("00", CultureInfo.InvariantCulture));
                        _periods.TryAdd(key, []);
                    }
                }
            }

            return rows;
        }
    }
}

/// <summary>The oldest row a table (tier) keeps, against its setting: the <c>retention</c> view of the <c>health</c> query.</summary>
/// <param name="Table">The logical table.</param>
/// <param name="Tier"><c>minute</c>, <c>hour</c>, <c>day</c>, <c>calls</c> or <c>rows</c>.</param>
/// <param name="Setting">The setting (<c>AcsFunctions:Retention:&lt;Setting&gt;</c>).</param>
/// <param name="RetentionDays">Its value in days.</param>
/// <param name="Cutoff">Partitions before this go.</param>
/// <param name="OldestRow">The time of the oldest partition kept (null: the table holds no rows).</param>
public sealed record RetentionStatus(string Table, string Tier, string Setting, double RetentionDays, DateTimeOffset Cutoff, DateTimeOffset? OldestRow);
