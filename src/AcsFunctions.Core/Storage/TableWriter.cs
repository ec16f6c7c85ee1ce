using Azure;
using Azure.Data.Tables;
using AcsFunctions.Diagnostics;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace AcsFunctions.Storage;

/// <summary>
/// Writes entities as entity-group transactions: grouped by PartitionKey into valid batches
/// (<see cref="TableBatch"/>), submitted with bounded parallelism across partitions, transient errors retried
/// with exponential backoff. When storage stays down the call throws <see cref="StorageUnavailableException"/>
/// (the host retries the batch; upserts with deterministic keys make that exactly-once). A batch the service
/// rejects for a non-transient reason is split so that only the offending entities are returned as rejected.
/// </summary>
public sealed class TableWriter
{
    private readonly AcsStorage _storage;
    private readonly ILogger<TableWriter> _logger;
    private readonly ResiliencePipeline _retry;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _byTable = new(StringComparer.Ordinal);
    private long _transactions;

    /// <summary>Creates the writer.</summary>
    public TableWriter(AcsStorage storage, TimeProvider timeProvider, ILogger<TableWriter> logger)
    {
        _storage = storage;
        _logger = logger;
        var options = storage.Options;
        _retry = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                // A call whose every SDK attempt timed out is not tried again here: the SDK already spent its retries
                // (StorageOptions.MaxRetries × NetworkTimeout), and more attempts would only multiply the wait.
                ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => TransientErrors.IsTransient(ex) && !TransientErrors.IsTimeout(ex)),
                MaxRetryAttempts = Math.Max(0, options.MaxWriteAttempts - 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = TimeSpan.FromSeconds(30),
                OnRetry = args =>
                {
                    Log.StorageRetry(_logger, args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception?.Message ?? "unknown");
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>Entity-group transactions submitted since the writer was created (first attempts; benchmarks report it).</summary>
    public long Transactions => Interlocked.Read(ref _transactions);

    /// <summary>
    /// <see cref="Transactions"/> per logical table (a snapshot): what a benchmark reports to show where the
    /// transactions go (records, dead letters, roll-up marks).
    /// </summary>
    public IReadOnlyDictionary<string, long> TransactionsByTable => new Dictionary<string, long>(_byTable, StringComparer.Ordinal);

    /// <summary>Upserts every entity; returns the entities the service rejected for non-transient reasons.</summary>
    /// <exception cref="StorageUnavailableException">Storage stayed unavailable through every retry.</exception>
    public async Task<IReadOnlyList<RejectedWrite>> WriteAsync(IEnumerable<TableWrite> writes, CancellationToken cancellationToken = default)
    {
        var batches = new List<TableBatch>();
        foreach (var group in writes.GroupBy(w => w.Table, StringComparer.Ordinal))
        {
            batches.AddRange(TableBatch.Plan(group.Key, group.Select(w => w.Entity)));
        }

        return await SubmitAllAsync(batches, cancellationToken);
    }

    /// <summary>
    /// Opens a stream of writes whose transactions share one bound of <see cref="StorageOptions.MaxParallelBatches"/>
    /// in flight (<see cref="StartAsync"/>): the next write's transactions start as the previous write's last ones
    /// finish, instead of waiting for the slowest of them.
    /// </summary>
    public TransactionStream OpenStream(CancellationToken cancellationToken) => new(_storage.Options.MaxParallelBatches, cancellationToken);

    /// <summary>
    /// Starts <paramref name="batches"/> on <paramref name="stream"/>: returns once every one of them has started (at
    /// most the stream's bound are in flight, across writes); the returned task completes when all have finished, with
    /// the entities the service rejected. The first failure stops the stream (its later transactions do not start).
    /// </summary>
    /// <exception cref="StorageUnavailableException">Storage stayed unavailable through every retry (from the returned task).</exception>
    internal async Task<Task<IReadOnlyList<RejectedWrite>>> StartAsync(List<TableBatch> batches, TransactionStream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stream.Token, cancellationToken);
        var running = new List<Task<IReadOnlyList<RejectedWrite>>>(batches.Count);
        try
        {
            foreach (var table in batches.Select(b => b.Table).Distinct(StringComparer.Ordinal))
            {
                await RunWithRetryAsync(ct => _storage.EnsureTableAsync(table, ct), table, linked.Token);
            }

            foreach (var batch in batches)
            {
                await stream.Gate.WaitAsync(linked.Token);
                running.Add(RunAsync(batch));
            }
        }
        catch (Exception ex)
        {
            stream.Fail(ex);
            await Task.WhenAll(running.Select(t => t.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)));
            stream.ThrowFirstFailure();
            throw;
        }

        return CollectAsync(running);

        async Task<IReadOnlyList<RejectedWrite>> RunAsync(TableBatch batch)
        {
            try
            {
                return await SubmitAsync(batch, stream.Token);
            }
            catch (Exception ex)
            {
                stream.Fail(ex);
                throw;
            }
            finally
            {
                stream.Gate.Release();
            }
        }

        async Task<IReadOnlyList<RejectedWrite>> CollectAsync(List<Task<IReadOnlyList<RejectedWrite>>> tasks)
        {
            try
            {
                var results = await Task.WhenAll(tasks);
                return [.. results.SelectMany(r => r)];
            }
            catch (Exception)
            {
                stream.ThrowFirstFailure();
                throw;
            }
        }
    }

    private async Task<IReadOnlyList<RejectedWrite>> SubmitAllAsync(List<TableBatch> batches, CancellationToken cancellationToken)
    {
        foreach (var table in batches.Select(b => b.Table).Distinct(StringComparer.Ordinal))
        {
            await RunWithRetryAsync(ct => _storage.EnsureTableAsync(table, ct), table, cancellationToken);
        }

        var rejected = new List<RejectedWrite>();
        var gate = new object();
        await Parallel.ForEachAsync(
            batches,
            new ParallelOptions { MaxDegreeOfParallelism = _storage.Options.MaxParallelBatches, CancellationToken = cancellationToken },
            async (batch, ct) =>
            {
                var failures = await SubmitAsync(batch, ct);
                if (failures.Count > 0)
                {
                    lock (gate)
                    {
                        rejected.AddRange(failures);
                    }
                }
            });
        return rejected;
    }

    /// <summary>
    /// Submits one entity-group transaction as given (all actions in one partition, at most 100): applied entirely or
    /// not at all. Transient errors are retried; a non-transient rejection throws <see cref="RequestFailedException"/>.
    /// </summary>
    /// <exception cref="StorageUnavailableException">Storage stayed unavailable through every retry.</exception>
    public async Task SubmitTransactionAsync(string table, IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actions);
        await RunWithRetryAsync(ct => _storage.EnsureTableAsync(table, ct), table, cancellationToken);
        Count(table);
        await RunWithRetryAsync(ct => _storage.SubmitTransactionAsync(table, actions, ct), table, cancellationToken);
    }

    private async Task<IReadOnlyList<RejectedWrite>> SubmitAsync(TableBatch batch, CancellationToken cancellationToken)
    {
        var table = _storage.GetTable(batch.Table);
        Count(batch.Table);
        try
        {
            var actions = batch.Actions.ToList();
            await RunWithRetryAsync(ct => _storage.SubmitTransactionAsync(batch.Table, actions, ct), batch.Table, cancellationToken);
            return [];
        }
        catch (RequestFailedException ex) when (!TransientErrors.IsTransient(ex))
        {
            // Non-transient: find the offending entities by writing one at a time.
            Log.BatchRejected(_logger, batch.Table, batch.PartitionKey, ex.Status, ex.ErrorCode ?? "unknown");
            var rejected = new List<RejectedWrite>();
            foreach (var entity in batch.Entities)
            {
                try
                {
                    await RunWithRetryAsync(ct => table.UpsertEntityAsync(Utf8Text.ToStrings(entity), TableUpdateMode.Replace, ct), batch.Table, cancellationToken);
                }
                catch (RequestFailedException single) when (!TransientErrors.IsTransient(single))
                {
                    rejected.Add(new RejectedWrite(new TableWrite(batch.Table, entity), $"{single.Status} {single.ErrorCode}: {FirstLine(single.Message)}"));
                }
            }

            return rejected;
        }
    }

    private void Count(string table)
    {
        Interlocked.Increment(ref _transactions);
        _byTable.AddOrUpdate(table, 1, static (_, n) => n + 1);
    }

    private async Task RunWithRetryAsync<T>(Func<CancellationToken, Task<T>> action, string table, CancellationToken cancellationToken)
    {
        try
        {
            await _retry.ExecuteAsync(static async (state, ct) => await state(ct), action, cancellationToken);
        }
        catch (Exception ex) when (TransientErrors.IsTransient(ex) && !cancellationToken.IsCancellationRequested)
        {
            throw new StorageUnavailableException(
                TransientErrors.IsTimeout(ex)
                    ? $"Table storage is unavailable (table '{_storage.PhysicalName(table)}'): {TransientErrors.Describe(ex)}"
                    : $"Table storage is unavailable (table '{_storage.PhysicalName(table)}') after {_storage.Options.MaxWriteAttempts} attempts: {FirstLine(ex.Message)}",
                ex);
        }
    }

    private Task RunWithRetryAsync(Func<CancellationToken, Task> action, string table, CancellationToken cancellationToken) =>
        RunWithRetryAsync(
            async ct =>
            {
                await action(ct);
                return true;
            },
            table,
            cancellationToken);

    private static string FirstLine(string message)
    {
        var index = message.IndexOf('\n', StringComparison.Ordinal);
        return index < 0 ? message : message[..index].TrimEnd();
    }
}
