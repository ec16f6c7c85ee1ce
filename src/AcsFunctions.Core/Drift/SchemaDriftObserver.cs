using System.Collections.Concurrent;
using System.Globalization;
using AcsFunctions.Decoding;
using AcsFunctions.Dispatch;
using AcsFunctions.Ingestion;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcsFunctions.Drift;

/// <summary>
/// Detects schema drift per category: the set of field names (top level and <c>properties.*</c>) with their JSON value
/// kinds, counts and first/last seen. Per record it only updates the in-memory counters of its batch; once the batch
/// is committed (never for a batch that is not) it compares what the batch saw with the category's signature (loaded once per process from <c>SchemaFields</c>, then cached),
/// stores and logs every change once (new category, new field the category's schema folder does not document — see
/// <see cref="DocumentedFields"/> —, a field that was in every record stopped arriving — see
/// <see cref="DriftOptions.FieldDisappearedAfterRecords"/> —, a value kind changed — numbers or booleans as strings and null are not changes) and writes counters only when something
/// changed or <see cref="DriftOptions.StatsWriteInterval"/> has passed.
/// </summary>
public sealed class SchemaDriftObserver : IIngestObserver, IDisposable, IAsyncDisposable
{
    /// <summary>How long the final counter write at shutdown may take.</summary>
    public static readonly TimeSpan ShutdownWriteLimit = TimeSpan.FromSeconds(10);

    private readonly SchemaStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<SchemaDriftObserver> _logger;
    private readonly DriftOptions _options;
    private readonly DocumentedFields _documented;
    private readonly ConcurrentDictionary<string, CategorySchema> _schemas = new(StringComparer.Ordinal);
    private readonly RecordShapes _shapes = new();
    private readonly SemaphoreSlim _flushGate = new(1, 1);
    private readonly Lock _gate = new();
    private List<CategoryObservation> _pending = [];
    private int _disposed;

    /// <summary>Creates the observer; <paramref name="documented"/> are the fields whose first appearance is not drift.</summary>
    public SchemaDriftObserver(SchemaStore store, TimeProvider time, IOptions<DriftOptions> options, ILogger<SchemaDriftObserver> logger, DocumentedFields? documented = null)
    {
        _documented = documented ?? new DocumentedFields([]);
        _store = store;
        _time = time;
        _options = options.Value;
        _logger = logger;
    }

    /// <inheritdoc />
    public IIngestObservation StartBatch() => _options.Enabled ? new BatchObservation(this) : IgnoredObservation.Instance;

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _flushGate.Dispose();
        }
    }

    /// <summary>
    /// Writes the counters that are still waiting for <see cref="DriftOptions.StatsWriteInterval"/>, so a host or CLI
    /// that stops normally loses none (bounded by <see cref="ShutdownWriteLimit"/>; failures are logged).
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
            await _flushGate.WaitAsync(limit.Token);
            try
            {
                foreach (var schema in _schemas.Values)
                {
                    try
                    {
                        await _store.WriteAsync(schema, [], limit.Token);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        DriftLog.FinalWriteFailed(_logger, schema.Category, ex.Message);
                    }
                }
            }
            finally
            {
                _flushGate.Release();
            }
        }
        catch (OperationCanceledException)
        {
            DriftLog.FinalWriteFailed(_logger, "every category", $"took longer than {ShutdownWriteLimit}");
        }
        finally
        {
            _flushGate.Dispose();
        }
    }

    /// <summary>Compares the committed batches' observations with the known signatures, then writes changes and counters.</summary>
    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        List<CategoryObservation> batch;
        lock (_gate)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            batch = _pending;
            _pending = [];
        }

        await _flushGate.WaitAsync(cancellationToken);
        try
        {
            var now = _time.GetUtcNow();
            foreach (var category in batch.GroupBy(o => o.Category, StringComparer.Ordinal))
            {
                if (!_schemas.TryGetValue(category.Key, out var schema))
                {
                    schema = await _store.LoadAsync(category.Key, cancellationToken);
                    _schemas[category.Key] = schema;
                }

                var drift = new List<DriftEntry>();
                foreach (var observation in category)
                {
                    Compare(schema, observation, now, drift, _documented, _logger);
                    Merge(schema, observation);
                    TrackAbsence(schema, observation, now, drift);
                }

                schema.Known = true;
                if (drift.Count > 0 || now - schema.LastWritten >= _options.StatsWriteInterval)
                {
                    try
                    {
                        await _store.WriteAsync(schema, drift, cancellationToken);
                        schema.LastWritten = now;
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        // Drift bookkeeping never fails ingest; the counters stay dirty and are written next time.
                        DriftLog.WriteFailed(_logger, drift.Count, category.Key, ex.Message);
                    }
                }

                foreach (var entry in drift)
                {
                    if (entry.Change == DriftChange.NewCategory)
                    {
                        DriftLog.NewCategory(_logger, entry.Category, schema.Fields.Count);
                    }
                    else
                    {
                        DriftLog.Drift(_logger, entry.Category, entry.Change, entry.Field, entry.Detail, entry.ExampleRecordId, entry.Source);
                    }
                }
            }
        }
        finally
        {
            _flushGate.Release();
        }
    }

    private static void Compare(CategorySchema schema, CategoryObservation observation, DateTimeOffset now, List<DriftEntry> drift, DocumentedFields documented, ILogger logger)
    {
        var source = observation.ExampleSource?.ToString();
        if (!schema.Known)
        {
            if (!drift.Exists(d => d.Change == DriftChange.NewCategory))
            {
                drift.Add(new DriftEntry
                {
                    Category = schema.Category,
                    Change = DriftChange.NewCategory,
                    Detail = $"first seen with {observation.Fields.Count()} fields",
                    DetectedAt = now,
                    EventTime = observation.First,
                    Source = source,
                });
            }

            return;
        }

        foreach (var seen in observation.Fields)
        {
            if (!schema.Fields.TryGetValue(seen.Path, out var known))
            {
                if (documented.IsDocumented(schema.Category, seen.Path))
                {
                    // An optional field the contract documents: inventory (the fields view) shows it, drift does not.
                    DriftLog.DocumentedFieldSeen(logger, schema.Category, seen.Path, ValueKindRules.Format(seen.Kinds));
                    continue;
                }

                drift.Add(new DriftEntry
                {
                    Category = schema.Category,
                    Change = DriftChange.NewField,
                    Field = seen.Path,
                    NewKinds = ValueKindRules.Format(seen.Kinds),
                    Detail = ValueKindRules.Format(seen.Kinds),
                    DetectedAt = now,
                    EventTime = observation.First,
                    ExampleRecordId = seen.ExampleOf(seen.Kinds),
                    Source = source,
                });
                continue;
            }

            var uncovered = ValueKindRules.Uncovered(known.Kinds, seen.Kinds);
            if (uncovered != ValueKinds.None && known.Kinds != ValueKinds.None)
            {
                drift.Add(new DriftEntry
                {
                    Category = schema.Category,
                    Change = DriftChange.KindChanged,
                    Field = seen.Path,
                    OldKinds = ValueKindRules.Format(known.Kinds),
                    NewKinds = ValueKindRules.Format(uncovered),
                    Detail = $"{ValueKindRules.Format(known.Kinds)} → {ValueKindRules.Format(uncovered)}",
                    Discriminator = ValueKindRules.Format(uncovered),
                    DetectedAt = now,
                    EventTime = observation.First,
                    ExampleRecordId = seen.ExampleOf(uncovered),
                    Source = source,
                });
            }
        }
    }

    /// <summary>
    /// After <paramref name="observation"/> was merged: extends or restarts each field's run of records without it, and
    /// reports a field that was in every record of the category before its run once the run is long enough in records
    /// (<see cref="DriftOptions.FieldDisappearedAfterRecords"/>) and in event time past the field's last record
    /// (<see cref="DriftOptions.FieldDisappearedAfter"/>). A field already missing from some record before its run
    /// (an optional field) is never reported.
    /// </summary>
    private void TrackAbsence(CategorySchema schema, CategoryObservation observation, DateTimeOffset now, List<DriftEntry> drift)
    {
        var records = schema.Records;
        foreach (var field in schema.Fields.Values)
        {
            if (observation.Find(field.Path) is { } seen)
            {
                field.AbsentRun = observation.Records - seen.LastRecord;
                field.AbsentUntil = null; // the run's records in this batch have unknown times: the span counts from the next batch
                continue;
            }

            field.AbsentRun += observation.Records;
            field.AbsentUntil = field.AbsentUntil is { } until && until >= observation.Last ? until : observation.Last;
            if (field.DisappearanceReported
                || field.AbsentRun < _options.FieldDisappearedAfterRecords
                || field.AbsentUntil is not { } absentUntil
                || field.LastSeen is not { } lastSeen
                || absentUntil - lastSeen < _options.FieldDisappearedAfter)
            {
                continue;
            }

            var count = field.Count;
            if (count == 0 || count + field.AbsentRun != records)
            {
                continue; // missing from some record before the run: an optional field
            }

            field.DisappearanceReported = true;
            drift.Add(new DriftEntry
            {
                Category = schema.Category,
                Change = DriftChange.FieldDisappeared,
                Field = field.Path,
                OldKinds = ValueKindRules.Format(field.Kinds),
                Detail = string.Create(CultureInfo.InvariantCulture, $"in all {count} records up to {lastSeen:yyyy-MM-ddTHH:mm:ssZ}, then missing from the next {field.AbsentRun} (up to {absentUntil:yyyy-MM-ddTHH:mm:ssZ})"),
                DetectedAt = now,
                EventTime = lastSeen,
                Source = observation.ExampleSource?.ToString(),
            });
        }
    }

    private static void Merge(CategorySchema schema, CategoryObservation observation)
    {
        schema.RecordsFor(observation.Partition).Add(observation.Records, observation.First, observation.Last);
        foreach (var seen in observation.Fields)
        {
            var field = schema.Field(seen.Path);
            field.Kinds |= seen.Kinds;
            var counter = field.For(observation.Partition);
            counter.Add(seen.Count, observation.First, observation.Last);
            counter.AddKinds(seen.KindCounts);
        }
    }

    private static string PartitionOf(Lineage lineage) =>
        lineage.PartitionId ?? (lineage.File is not null ? "file" : "-");

    /// <summary>What one batch showed, per category and source partition; compared and counted when the batch is committed.</summary>
    private sealed class BatchObservation(SchemaDriftObserver owner) : IStagedObservation
    {
        private readonly Dictionary<(string Category, string Partition), CategoryObservation> _seen = [];
        private CategoryObservation? _last;
        private int _committed;

        public void OnStored(RecordContext context, EnrichedRecord enriched)
        {
            var partition = PartitionOf(context.Lineage);

            // Consecutive records mostly share their category and source (the same string instances): no key hashing.
            var observation = _last;
            if (observation is null || !ReferenceEquals(observation.Category, context.Category) || !ReferenceEquals(observation.Partition, partition))
            {
                if (!_seen.TryGetValue((context.Category, partition), out observation))
                {
                    _seen[(context.Category, partition)] = observation = new CategoryObservation(context.Category, partition, owner._shapes);
                }

                _last = observation;
            }

            try
            {
                observation.See(context);
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException)
            {
                // Bookkeeping never fails a record that is already on its way to storage.
                DriftLog.ObserveFailed(owner._logger, context.Category, context.RecordId, ex.Message);
            }
        }

        public void OnDeadLettered(DeadLetter deadLetter)
        {
        }

        public void OnStoreRejected(string category, bool unclassified, DeadLetter deadLetter)
        {
        }

        public Task CommitAsync(CancellationToken cancellationToken = default) =>
            Stage() ? owner.FlushAsync(cancellationToken) : Task.CompletedTask;

        public bool Stage()
        {
            if (Interlocked.Exchange(ref _committed, 1) != 0)
            {
                return false;
            }

            lock (owner._gate)
            {
                owner._pending.AddRange(_seen.Values);
            }

            return true;
        }

        public Task FlushAsync(CancellationToken cancellationToken) => owner.FlushAsync(cancellationToken);

        private SchemaDriftObserver Owner => owner;

        public bool SameObserver(IStagedObservation other) => other is BatchObservation observation && ReferenceEquals(observation.Owner, owner);
    }
}
