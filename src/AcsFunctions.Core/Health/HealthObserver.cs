using AcsFunctions.Decoding;
using AcsFunctions.Dispatch;
using AcsFunctions.Ingestion;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcsFunctions.Health;

/// <summary>
/// Counts what the pipeline does per category × source partition: per unit it only updates in-memory counters
/// of its batch (records, stored, unclassified, dead letters per reason, latest times, lags); once the batch is
/// committed it adds them to the rows of the current ingest hour in <see cref="HealthStore"/>. A batch that is never
/// committed (a failed attempt the host retries, a benchmark's preparation) counts nothing. Counts are deliveries: a
/// record Event Hubs delivers again is counted again. Bookkeeping never fails ingest — counters that could not be
/// written are kept and added with the next batch.
/// </summary>
public sealed class HealthObserver : IIngestObserver, IAsyncDisposable
{
    /// <summary>How long <see cref="DisposeAsync"/> may spend writing the counts still pending.</summary>
    public static readonly TimeSpan ShutdownWriteLimit = TimeSpan.FromSeconds(10);

    private readonly HealthStore _store;
    private readonly TimeProvider _time;
    private readonly HealthOptions _options;
    private readonly ILogger<HealthObserver> _logger;
    private readonly Lock _gate = new();
    private Dictionary<HealthKey, HealthCounters> _pending = [];
    private int _disposed;

    /// <summary>Creates the observer.</summary>
    public HealthObserver(HealthStore store, TimeProvider time, IOptions<HealthOptions> options, ILogger<HealthObserver> logger)
    {
        _store = store;
        _time = time;
        _options = options.Value;
        _logger = logger;
    }

    /// <inheritdoc />
    public IIngestObservation StartBatch() => _options.Enabled ? new BatchCounts(this) : IgnoredObservation.Instance;

    /// <summary>Writes the counts of committed batches that are not written yet (a failed write is kept for the next call).</summary>
    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        Dictionary<HealthKey, HealthCounters> batch;
        lock (_gate)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            batch = _pending;
            _pending = [];
        }

        var (unwritten, error) = await _store.MergeAsync(_time.GetUtcNow(), batch, cancellationToken);
        if (unwritten.Count == 0)
        {
            return;
        }

        AddPending(unwritten);
        cancellationToken.ThrowIfCancellationRequested();
        HealthLog.WriteFailed(_logger, unwritten.Count, error ?? "unknown error");
    }

    /// <summary>
    /// Writes the counts still pending (those whose write failed), so a host or CLI that stops normally loses none
    /// (bounded by <see cref="ShutdownWriteLimit"/>; what is still unwritten then is logged as lost).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        using var limit = new CancellationTokenSource(ShutdownWriteLimit, _time);
        try
        {
            await FlushAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            // Counted below.
        }

        int lost;
        lock (_gate)
        {
            lost = _pending.Count;
        }

        if (lost > 0)
        {
            HealthLog.FinalWriteFailed(_logger, lost);
        }
    }

    private void AddPending(IEnumerable<KeyValuePair<HealthKey, HealthCounters>> counts)
    {
        lock (_gate)
        {
            foreach (var (key, counters) in counts)
            {
                if (_pending.TryGetValue(key, out var existing))
                {
                    existing.Merge(counters);
                }
                else
                {
                    _pending[key] = counters;
                }
            }
        }
    }

    /// <summary>
    /// The counts of one batch, added to the observer's when the batch is committed. Its units' ingest time is the
    /// batch's: the clock is read once, when the batch starts (its units are prepared within moments of each other).
    /// </summary>
    private sealed class BatchCounts(HealthObserver owner) : IStagedObservation
    {
        private readonly Dictionary<HealthKey, HealthCounters> _counts = [];
        private readonly DateTimeOffset _ingestTime = owner._time.GetUtcNow();
        private (string Category, string? Partition, string? File, HealthCounters Counters)? _last;
        private int _committed;

        public void OnStored(RecordContext context, EnrichedRecord enriched)
        {
            var counters = Counters(context.Category, context.Lineage);
            counters.Records++;
            if (enriched.Unclassified)
            {
                counters.Unclassified++;
            }
            else
            {
                counters.Stored++;
            }

            counters.See(context.Time, context.Lineage.EnqueuedTime, _ingestTime);
        }

        public void OnDeadLettered(DeadLetter deadLetter)
        {
            var counters = Counters(deadLetter.Category ?? HealthKey.UnknownCategory, deadLetter.Lineage);
            counters.Records++;
            counters.DeadLettered++;
            counters.DeadLetteredByReason.Add(deadLetter.Reason, 1);
            counters.See(deadLetter.EventTime, deadLetter.Lineage.EnqueuedTime, _ingestTime);
        }

        public void OnStoreRejected(string category, bool unclassified, DeadLetter deadLetter)
        {
            // Already counted (and its times seen) by OnStored: it moves from stored to dead-lettered.
            var counters = Counters(category, deadLetter.Lineage);
            if (unclassified)
            {
                counters.Unclassified--;
            }
            else
            {
                counters.Stored--;
            }

            counters.DeadLettered++;
            counters.DeadLetteredByReason.Add(deadLetter.Reason, 1);
        }

        public Task CommitAsync(CancellationToken cancellationToken = default) =>
            Stage() ? owner.FlushAsync(cancellationToken) : Task.CompletedTask;

        public bool Stage()
        {
            if (Interlocked.Exchange(ref _committed, 1) != 0)
            {
                return false;
            }

            owner.AddPending(_counts);
            return true;
        }

        public Task FlushAsync(CancellationToken cancellationToken) => owner.FlushAsync(cancellationToken);

        private HealthObserver Owner => owner;

        public bool SameObserver(IStagedObservation other) => other is BatchCounts counts && ReferenceEquals(counts.Owner, owner);

        private HealthCounters Counters(string category, Lineage lineage)
        {
            // Consecutive units mostly share their category and source (the same string instances): no key hashing.
            if (_last is var (lastCategory, partition, file, last)
                && ReferenceEquals(lastCategory, category) && ReferenceEquals(partition, lineage.PartitionId) && ReferenceEquals(file, lineage.File))
            {
                return last;
            }

            var key = new HealthKey(category, HealthSource.Of(lineage));
            if (!_counts.TryGetValue(key, out var counters))
            {
                _counts[key] = counters = new HealthCounters();
            }

            _last = (category, lineage.PartitionId, lineage.File, counters);
            return counters;
        }
    }
}
