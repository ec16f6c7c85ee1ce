using System.Runtime.InteropServices;
using System.Text.Json;
using Azure.Data.Tables;
using AcsFunctions.Decoding;
using AcsFunctions.Diagnostics;
using AcsFunctions.Dispatch;
using AcsFunctions.Privacy;
using AcsFunctions.Records;
using AcsFunctions.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcsFunctions.Ingestion;

/// <summary>
/// The ingestion pipeline: decode every body, resolve each record's envelope, apply the privacy policy,
/// dispatch by category to its handler, and persist — typed rows, raw rows for unknown categories, dead
/// letters for everything else — then mark the touched windows and calls for roll-up. Every unit ends stored
/// or dead-lettered, and the returned counts reconcile. Data errors never escape; storage outages do (as
/// <see cref="StorageUnavailableException"/>) so the host retries the batch.
/// </summary>
public sealed class IngestPipeline
{
    /// <summary>Reason for an entity the service refused (a limit we did not foresee).</summary>
    public const string StorageRejectedReason = "storage-rejected";

    /// <summary>The smallest share of a batch worth a thread of its own.</summary>
    internal const int MinBytesPerThread = 256 * 1024;

    private readonly HandlerRegistry _registry;
    private readonly TableWriter _writer;
    private readonly PayloadStore _payloads;
    private readonly IRecordSanitizer _sanitizer;
    private readonly IIngestObserver[] _observers;
    private readonly TimeProvider _time;
    private readonly ILogger<IngestPipeline> _logger;
    private readonly int _prepareThreads;

    /// <summary>Creates the pipeline.</summary>
    public IngestPipeline(
        HandlerRegistry registry,
        TableWriter writer,
        PayloadStore payloads,
        IRecordSanitizer sanitizer,
        IEnumerable<IIngestObserver> observers,
        TimeProvider timeProvider,
        IOptions<IngestOptions> options,
        ILogger<IngestPipeline> logger)
    {
        _prepareThreads = options.Value.PrepareThreads;
        _registry = registry;
        _writer = writer;
        _payloads = payloads;
        _sanitizer = sanitizer;
        _observers = [.. observers]; // an array: iterating it per record allocates no enumerator
        _time = timeProvider;
        _logger = logger;
    }

    /// <summary>Ingests a batch of event bodies: <see cref="PrepareBatch"/>, then <see cref="CommitAsync"/>.</summary>
    /// <exception cref="StorageUnavailableException">Storage stayed down; retry the whole batch later.</exception>
    public Task<IngestResult> IngestAsync(IReadOnlyList<EventBody> bodies, CancellationToken cancellationToken = default) =>
        CommitAsync(PrepareBatch(bodies, cancellationToken), cancellationToken);

    /// <summary>
    /// The CPU half of <see cref="IngestAsync"/> alone: decodes, dispatches and enriches <paramref name="bodies"/>
    /// into the entities it would write, and counts them, without touching storage (benchmarks measure it). The
    /// observers see the records but count nothing: the batch is never committed.
    /// </summary>
    public IngestResult Prepare(IReadOnlyList<EventBody> bodies, CancellationToken cancellationToken = default) =>
        Prepare(bodies, _prepareThreads, cancellationToken);

    /// <summary>
    /// As <see cref="Prepare(IReadOnlyList{EventBody}, CancellationToken)"/> on at most <paramref name="parallelism"/>
    /// threads (1: on the calling thread alone, as the single-thread P1 ratio measures it).
    /// </summary>
    public IngestResult Prepare(IReadOnlyList<EventBody> bodies, int parallelism, CancellationToken cancellationToken = default) =>
        Decode(bodies, parallelism, cancellationToken).ToResult();

    /// <summary>
    /// The CPU half of <see cref="IngestAsync"/>: decodes, dispatches and enriches <paramref name="bodies"/> into the
    /// rows to write, without touching storage. A streaming caller prepares the next batch while the previous one is
    /// committed (<see cref="StreamingIngest"/>); nothing is stored until <see cref="CommitAsync"/>. The bodies are
    /// prepared on <see cref="IngestOptions.PrepareThreads"/> threads (see <see cref="Decode"/>); the result is the
    /// same as on one thread.
    /// </summary>
    public PreparedBatch PrepareBatch(IReadOnlyList<EventBody> bodies, CancellationToken cancellationToken = default) =>
        PrepareBatchOnThreads(bodies, _prepareThreads, cancellationToken);

    /// <summary>As <see cref="PrepareBatch"/> on at most <paramref name="parallelism"/> threads.</summary>
    internal PreparedBatch PrepareBatchOnThreads(IReadOnlyList<EventBody> bodies, int parallelism, CancellationToken cancellationToken = default) =>
        new(Decode(bodies, parallelism, cancellationToken));

    /// <summary>
    /// The storage half of <see cref="IngestAsync"/>: writes the records and dead letters of a prepared batch (one
    /// set of parallel transactions), dead-letters what the service refused, then marks the touched partitions for
    /// roll-up (always after their records), then commits the batch's observations (health and drift count a batch
    /// once its rows are written, and only once). Commit prepared batches in input order. It is
    /// <see cref="WriteRowsAsync"/> then <see cref="FinishAsync"/>.
    /// </summary>
    /// <exception cref="StorageUnavailableException">Storage stayed down; retry the whole batch later.</exception>
    public async Task<IngestResult> CommitAsync(PreparedBatch prepared, CancellationToken cancellationToken = default) =>
        await FinishAsync(await WriteRowsAsync(prepared, cancellationToken), cancellationToken);

    /// <summary>
    /// The first step of <see cref="CommitAsync"/>: writes the batch's records and dead letters and dead-letters what
    /// the service refused. What it returns holds only the batch's counts, roll-up marks and observations, so a
    /// streaming caller can drop the prepared rows and write the next batch's rows while this one is finished.
    /// </summary>
    /// <exception cref="StorageUnavailableException">Storage stayed down; retry the whole batch later.</exception>
    public async Task<WrittenBatch> WriteRowsAsync(PreparedBatch prepared, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        var batch = prepared.State;
        var preparedDeadLetters = batch.DeadLetters.Count;
        var writes = new List<TableWrite>(batch.Pending.Count + preparedDeadLetters);
        writes.AddRange(batch.Pending.Select(p => p.Write));
        writes.AddRange(batch.DeadLetters);
        await OffloadAsync(writes, batch.Offload, cancellationToken);

        // Records and dead letters are independent rows: one WriteAsync submits all their transactions with the
        // writer's parallelism, so no phase waits for the slowest transaction of the one before.
        var rejected = await _writer.WriteAsync(writes, cancellationToken);
        var refusedDeadLetters = rejected.Where(r => string.Equals(r.Write.Table, TableNames.DeadLetters, StringComparison.Ordinal)).ToList();
        await HandleRejectedAsync(batch, [.. rejected.Where(r => !string.Equals(r.Write.Table, TableNames.DeadLetters, StringComparison.Ordinal))], cancellationToken);
        await WriteDeadLettersAsync(batch.DeadLetters.Skip(preparedDeadLetters).ToList(), refusedDeadLetters, batch.Offload, cancellationToken);
        return new WrittenBatch(batch.ToResult(), [.. batch.Marks.Values], batch.AllObservations);
    }

    /// <summary>
    /// The second step of <see cref="CommitAsync"/>, once the batch's rows are written: marks the touched partitions
    /// for roll-up, then commits the batch's observations. Finish batches in input order, one at a time.
    /// </summary>
    /// <exception cref="StorageUnavailableException">Storage stayed down; retry the whole batch later.</exception>
    public async Task<IngestResult> FinishAsync(WrittenBatch written, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(written);
        await _writer.WriteAsync(written.Marks.Select(m => new TableWrite(TableNames.RollupPending, m)), cancellationToken);
        foreach (var observation in written.Observations)
        {
            await observation.CommitAsync(cancellationToken);
        }

        var result = written.Result;
        Log.IngestCompleted(_logger, result.Bodies, result.Records, result.Stored, result.Unclassified, result.DeadLettered);
        return result;
    }

    /// <summary>
    /// Decodes, dispatches and enriches every body. With more than one thread the bodies are split into contiguous
    /// runs of about equal bytes, one per thread (<see cref="ParallelItems"/>); each run is prepared in input order into
    /// a part of its own and the parts are merged in input order, so the rows, dead letters and roll-up marks (the
    /// first record of a partition creates its mark) come out exactly as they would on one thread.
    /// </summary>
    private BatchState Decode(IReadOnlyList<EventBody> bodies, int parallelism, CancellationToken cancellationToken)
    {
        var batch = new BatchState(_time.GetUtcNow());
        var runs = Runs(bodies, parallelism);
        if (runs.Length <= 1)
        {
            batch.Observe(_observers);
            foreach (var body in bodies)
            {
                DecodeBody(batch, body, cancellationToken);
            }

            return batch;
        }

        var parts = new BatchState[runs.Length];
        ParallelItems.Run(runs.Length, runs.Length, i =>
        {
            var part = new BatchState(batch.Now).Observe(_observers);
            var (start, end) = runs[i];
            for (var b = start; b < end; b++)
            {
                DecodeBody(part, bodies[b], cancellationToken);
            }

            parts[i] = part;
        });
        foreach (var part in parts)
        {
            batch.Merge(part);
        }

        return batch;
    }

    /// <summary>
    /// Splits the bodies into at most <paramref name="parallelism"/> contiguous runs [start, end) of about equal bytes,
    /// each of at least <see cref="MinBytesPerThread"/>: a small batch stays on one thread (each run's observations are
    /// committed on their own, so a split costs each observer one more write).
    /// </summary>
    private static (int Start, int End)[] Runs(IReadOnlyList<EventBody> bodies, int parallelism)
    {
        var total = 0L;
        foreach (var body in bodies)
        {
            total += body.Data.Length;
        }

        var count = (int)Math.Min(Math.Min(parallelism, bodies.Count), total / MinBytesPerThread);
        if (count <= 1)
        {
            return [(0, bodies.Count)];
        }

        var runs = new List<(int, int)>(count);
        var start = 0;
        var sum = 0L;
        for (var i = 0; i < bodies.Count; i++)
        {
            sum += bodies[i].Data.Length;
            if (sum * count >= total * (runs.Count + 1) && runs.Count < count - 1)
            {
                runs.Add((start, i + 1));
                start = i + 1;
            }
        }

        if (start < bodies.Count)
        {
            runs.Add((start, bodies.Count));
        }

        return [.. runs];
    }

    private void DecodeBody(BatchState batch, EventBody body, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var decoded = BodyDecoder.Decode(body);
        batch.Bodies += decoded.Bodies;
        foreach (var item in decoded.Items)
        {
            batch.Units++;
            if (item.DeadLetter is { } dead)
            {
                AddDeadLetter(batch, dead, _sanitizer.SanitizeUnparsed(dead.Payload));
            }
            else
            {
                ProcessGuarded(batch, item.Record, item.Lineage);
            }
        }
    }

    /// <summary>
    /// Processes one record; a data error nobody foresaw (an exception before the record was accepted) dead-letters
    /// the record instead of failing the batch and its neighbours.
    /// </summary>
    private void ProcessGuarded(BatchState batch, JsonElement element, Lineage lineage)
    {
        var pending = batch.Pending.Count;
        var dead = batch.DeadLetters.Count;
        try
        {
            ProcessRecord(batch, element, lineage);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && batch.Pending.Count == pending && batch.DeadLetters.Count == dead)
        {
            var raw = JsonMarshal.GetRawUtf8Value(element).ToArray();
            AddDeadLetter(batch, new DeadLetter(DeadLetterReasons.HandlerError, $"IngestPipeline: {ex.GetType().Name}: {ex.Message}", raw, lineage), _sanitizer.SanitizeUnparsed(raw));
        }
    }

    private void ProcessRecord(BatchState batch, JsonElement element, Lineage lineage)
    {
        using var sanitized = _sanitizer.Sanitize(Categories.OfRecord(element), element);
        using var record = new DiagnosticRecord(sanitized.Element);
        var payload = sanitized.Utf8Span;

        // The id is the canonical hash of what is stored (the privacy-filtered record), so `migrate record-ids` can
        // recompute it from any stored row; the same record in any serialization gets the same id.
        var recordId = RecordId.Compute(payload);

        var categoryField = record.GetString("category");
        string category;
        string rawCategory;
        if (categoryField.HasValue)
        {
            rawCategory = categoryField.Value!;
            category = Categories.Canonicalize(rawCategory);
        }
        else if (record.TryGetRaw(out _, "metricName") && record.TryGetRaw(out _, "timeGrain"))
        {
            rawCategory = category = Categories.PlatformMetric;
        }
        else
        {
            AddDeadLetter(batch, new DeadLetter(DeadLetterReasons.MissingCategory, "The record has no 'category' and is not a platform-metric record.", sanitized.Utf8Span.ToArray(), lineage), null);
            return;
        }

        var time = record.GetDateTime("time", "timeStamp", "TimeGenerated");
        if (!time.HasValue)
        {
            var detail = time.State == FieldState.Absent
                ? "The record has no 'time'."
                : $"The record's time '{time.Original}' is not an ISO-8601 timestamp.";
            AddDeadLetter(batch, new DeadLetter(DeadLetterReasons.InvalidTime, detail, sanitized.Utf8Span.ToArray(), lineage, category), null);
            return;
        }

        if (!EventTimeRange.Contains(time.Value))
        {
            AddDeadLetter(batch, new DeadLetter(DeadLetterReasons.TimeOutOfRange, $"The record's time {time.Value:O} is outside the accepted event times {EventTimeRange.Description}.", sanitized.Utf8Span.ToArray(), lineage, category), null);
            return;
        }

        var context = new RecordContext
        {
            Record = record,
            Category = category,
            RawCategory = rawCategory,
            Time = time.Value,
            Resource = ResourceRef.Parse(record.GetString("resourceId", "resourceid").OrNull()),
            Lineage = lineage,
            RecordId = recordId,
            CorrelationId = record.GetString("correlationId", "correlationIdentifier").OrNull(),
            OperationName = record.GetString("operationName").OrNull(),
        };

        var handler = _registry.Resolve(category);
        HandlerOutcome outcome;
        try
        {
            outcome = handler.Handle(context);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            outcome = HandlerOutcome.DeadLetter(DeadLetterReasons.HandlerError, $"{handler.GetType().Name}: {ex.GetType().Name}: {ex.Message}");
        }

        if (outcome.Record is not { } enriched)
        {
            AddDeadLetter(batch, new DeadLetter(outcome.DeadLetterReason ?? DeadLetterReasons.HandlerError, outcome.DeadLetterDetail ?? "Rejected by its handler.", sanitized.Utf8Span.ToArray(), lineage, category, time.Value), null);
            return;
        }

        if (enriched.Placement == RecordPlacement.Call && context.CorrelationId is null)
        {
            AddDeadLetter(batch, new DeadLetter(DeadLetterReasons.MissingCorrelationId, $"A {category} record needs a correlationId to be joined to its call.", sanitized.Utf8Span.ToArray(), lineage, category, time.Value), null);
            return;
        }

        var table = RecordEntities.TableFor(enriched.Placement);
        var fits = RecordEntities.TryBuild(context, enriched, payload, out var entity);
        var write = new TableWrite(table, entity);
        if (!fits)
        {
            batch.Offload[entity] = sanitized.Utf8Span.ToArray();
        }

        batch.Pending.Add(new PendingRecord(write, category, enriched.Unclassified, time.Value, lineage));
        if (enriched.Unclassified)
        {
            Log.UnknownCategory(_logger, category);
        }

        var kind = enriched.Placement == RecordPlacement.Call ? RollupMarks.CallKind : RollupMarks.WindowKind;
        var markKey = (kind, RollupMarks.RowKeyOf(kind, entity.PartitionKey));
        if (!batch.Marks.ContainsKey(markKey))
        {
            batch.Marks[markKey] = RollupMarks.Create(kind, entity.PartitionKey, context.Resource.Key, category, Windows.MinuteOf(context.Time), batch.Now);
        }

        foreach (var observation in batch.Observations)
        {
            observation.OnStored(context, enriched);
        }
    }

    private void AddDeadLetter(BatchState batch, DeadLetter deadLetter, ReadOnlyMemory<byte>? sanitizedPayload, PendingRecord? rejected = null)
    {
        // Only privacy-filtered bytes and text are persisted (the row key hashes the filtered payload too). A record
        // that failed validation may hold personal data where the policy does not look (e.g. in 'time'), so it is
        // also scrubbed by pattern as a whole.
        var payload = sanitizedPayload ?? _sanitizer.SanitizeUnparsed(deadLetter.Payload);
        deadLetter = deadLetter with { Payload = payload, Detail = _sanitizer.SanitizeText(deadLetter.Detail) };
        var fits = DeadLetterEntities.TryBuild(deadLetter, payload.Span, batch.Now, out var entity);
        if (!fits)
        {
            batch.Offload[entity] = payload.ToArray();
        }

        batch.DeadLetters.Add(new TableWrite(TableNames.DeadLetters, entity));
        batch.DeadByReason[deadLetter.Reason] = batch.DeadByReason.GetValueOrDefault(deadLetter.Reason) + 1;
        Log.RecordDeadLettered(_logger, deadLetter.Category ?? "(unknown)", deadLetter.Lineage.ToString(), deadLetter.Reason, deadLetter.Detail);
        foreach (var observation in batch.Observations)
        {
            if (rejected is null)
            {
                observation.OnDeadLettered(deadLetter);
            }
            else
            {
                observation.OnStoreRejected(rejected.Category, rejected.Unclassified, deadLetter);
            }
        }
    }

    private async Task HandleRejectedAsync(BatchState batch, IReadOnlyList<RejectedWrite> rejected, CancellationToken cancellationToken)
    {
        if (rejected.Count == 0)
        {
            return;
        }

        var rejectedEntities = new Dictionary<TableEntity, string>(ReferenceEqualityComparer.Instance);
        foreach (var r in rejected)
        {
            rejectedEntities[r.Write.Entity] = r.Error;
        }

        foreach (var pending in batch.Pending)
        {
            if (!rejectedEntities.TryGetValue(pending.Write.Entity, out var error))
            {
                continue;
            }

            pending.Rejected = true;
            var payload = await PayloadColumns.ReadAsync(pending.Write.Entity, _payloads, cancellationToken) ?? [];
            AddDeadLetter(batch, new DeadLetter(StorageRejectedReason, error, payload, pending.Lineage, pending.Category, pending.Time), payload, pending);
        }
    }

    /// <summary>
    /// Writes <paramref name="fresh"/> dead letters (the ones added after the first write, for rows the service
    /// refused), then stores every dead letter the service refused as a minimal row with its payload in a blob.
    /// </summary>
    private async Task WriteDeadLettersAsync(IReadOnlyList<TableWrite> fresh, List<RejectedWrite> refused, Dictionary<TableEntity, byte[]> offload, CancellationToken cancellationToken)
    {
        if (fresh.Count > 0)
        {
            await OffloadAsync(fresh, offload, cancellationToken);
            refused.AddRange(await _writer.WriteAsync(fresh, cancellationToken));
        }

        if (refused.Count > 0)
        {
            // A dead letter must never be lost: store a minimal row with the payload in a blob.
            var minimal = new List<TableWrite>();
            foreach (var r in refused)
            {
                var payload = await PayloadColumns.ReadAsync(r.Write.Entity, _payloads, cancellationToken) ?? [];
                var entity = new TableEntity(r.Write.Entity.PartitionKey, r.Write.Entity.RowKey)
                {
                    ["Reason"] = r.Write.Entity.GetString("Reason"),
                    ["Detail"] = "Stored minimally: " + r.Error,
                };
                var blob = BlobName(TableNames.DeadLetters, entity);
                await _payloads.PutAsync(blob, payload, cancellationToken);
                PayloadColumns.SetBlob(entity, blob);
                minimal.Add(new TableWrite(TableNames.DeadLetters, entity));
            }

            var still = await _writer.WriteAsync(minimal, cancellationToken);
            if (still.Count > 0)
            {
                throw new InvalidOperationException($"Table storage refused {still.Count} minimal dead-letter rows: {still[0].Error}");
            }
        }
    }

    private async Task OffloadAsync(IEnumerable<TableWrite> writes, Dictionary<TableEntity, byte[]> offload, CancellationToken cancellationToken)
    {
        if (offload.Count == 0)
        {
            return;
        }

        foreach (var write in writes)
        {
            if (offload.Remove(write.Entity, out var bytes))
            {
                var blob = BlobName(write.Table, write.Entity);
                await _payloads.PutAsync(blob, bytes, cancellationToken);
                PayloadColumns.SetBlob(write.Entity, blob);
            }
        }
    }

    private static string BlobName(string table, TableEntity entity) =>
        $"{table.ToLowerInvariant()}/{RecordId.HashBytes(System.Text.Encoding.UTF8.GetBytes(entity.PartitionKey + "\n" + entity.RowKey))}.json";

    internal sealed class PendingRecord(TableWrite write, string category, bool unclassified, DateTimeOffset time, Lineage lineage)
    {
        public TableWrite Write { get; } = write;

        public string Category { get; } = category;

        public bool Unclassified { get; } = unclassified;

        public DateTimeOffset Time { get; } = time;

        public Lineage Lineage { get; } = lineage;

        public bool Rejected { get; set; }
    }

    internal sealed class BatchState(DateTimeOffset now)
    {
        public DateTimeOffset Now { get; } = now;

        public int Units { get; set; }

        /// <summary>Bodies decoded: one per body, or one per non-blank line of an NDJSON body (see <see cref="DecodedBody.Bodies"/>).</summary>
        public int Bodies { get; set; }

        public List<PendingRecord> Pending { get; } = [];

        public List<TableWrite> DeadLetters { get; } = [];

        public Dictionary<string, int> DeadByReason { get; } = new(StringComparer.Ordinal);

        public Dictionary<(string Kind, string PartitionKey), TableEntity> Marks { get; } = [];

        public Dictionary<TableEntity, byte[]> Offload { get; } = new(ReferenceEqualityComparer.Instance);

        /// <summary>What each observer saw of this batch, counted when the batch is committed.</summary>
        public IIngestObservation[] Observations { get; private set; } = [];

        /// <summary>
        /// Every observation to commit, in input order: <see cref="Observations"/> alone, or after a preparation on
        /// several threads each part's (one per observer per part, each fed by one thread).
        /// </summary>
        public IIngestObservation[] AllObservations { get; private set; } = [];

        /// <summary>Starts this batch's (or part's) observations.</summary>
        public BatchState Observe(IIngestObserver[] observers)
        {
            Observations = Array.ConvertAll(observers, o => o.StartBatch());
            AllObservations = Observations;
            return this;
        }

        /// <summary>Appends a part prepared on its own (the bodies after this batch's).</summary>
        public void Merge(BatchState part)
        {
            Units += part.Units;
            Bodies += part.Bodies;
            Pending.AddRange(part.Pending);
            DeadLetters.AddRange(part.DeadLetters);
            foreach (var (reason, count) in part.DeadByReason)
            {
                DeadByReason[reason] = DeadByReason.GetValueOrDefault(reason) + count;
            }

            foreach (var (key, mark) in part.Marks)
            {
                Marks.TryAdd(key, mark);
            }

            foreach (var (entity, bytes) in part.Offload)
            {
                Offload[entity] = bytes;
            }

            // Later units of the batch (a record the service refuses at commit) are reported to the first part's
            // observations; every part's are committed, in order.
            if (Observations.Length == 0)
            {
                Observations = part.Observations;
            }

            AllObservations = [.. AllObservations, .. part.Observations];
        }

        public IngestResult ToResult()
        {
            var byCategory = new SortedDictionary<string, int>(StringComparer.Ordinal);
            int stored = 0, unclassified = 0;
            foreach (var p in Pending)
            {
                if (p.Rejected)
                {
                    continue;
                }

                byCategory[p.Category] = byCategory.GetValueOrDefault(p.Category) + 1;
                if (p.Unclassified)
                {
                    unclassified++;
                }
                else
                {
                    stored++;
                }
            }

            return new IngestResult
            {
                Bodies = Bodies,
                Records = Units,
                Stored = stored,
                Unclassified = unclassified,
                DeadLettered = DeadByReason.Values.Sum(),
                ByCategory = byCategory,
                DeadLetteredByReason = new SortedDictionary<string, int>(DeadByReason, StringComparer.Ordinal),
            };
        }
    }
}
