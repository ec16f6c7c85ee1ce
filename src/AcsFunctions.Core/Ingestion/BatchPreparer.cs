using AcsFunctions.Decoding;

namespace AcsFunctions.Ingestion;

/// <summary>
/// The CPU half of ingest, the decode stage and the split over threads: decodes every body (<see cref="BodyDecoder"/>),
/// dead-letters what cannot be read and hands each record to the record stages (<see cref="RecordProcessor"/>),
/// producing the rows to write without touching storage. Nothing is stored until the batch is written
/// (<see cref="BatchWriter"/>); a streaming caller prepares the next batch while the previous one is written.
/// </summary>
public sealed class BatchPreparer
{
    /// <summary>
    /// The smallest share of a batch worth a thread of its own: ~1 ms of work on one core, against ~0.1 ms for a
    /// helper to wake and claim a run. At 256 KiB (until 6 December) every batch under 512 KiB stayed on one thread:
    /// 48 of P1's 180 batches of 16 generated bodies (18 % of its bytes), and any small Event Hubs batch
    /// (docs/benchmarks.md, seventh round).
    /// </summary>
    internal const int MinBytesPerThread = 64 * 1024;

    /// <summary>
    /// Runs per thread: the threads claim runs one at a time, so a thread that gets slower records (or less CPU) does
    /// fewer runs instead of the others waiting for its one half at the end of every batch.
    /// </summary>
    internal const int RunsPerThread = 4;

    /// <summary>The smallest run (a run's part is merged and its observations committed: not worth less).</summary>
    internal const int MinBytesPerRun = 16 * 1024;

    [ThreadStatic]
    private static DecodedBody? t_decoded;

    private readonly RecordProcessor _records;
    private readonly DeadLetterRows _deadLetters;
    private readonly IIngestObserver[] _observers;
    private readonly TimeProvider _time;
    private readonly int _threads;

    internal BatchPreparer(RecordProcessor records, DeadLetterRows deadLetters, IIngestObserver[] observers, TimeProvider timeProvider, int threads)
    {
        _records = records;
        _deadLetters = deadLetters;
        _observers = observers;
        _time = timeProvider;
        _threads = threads;
    }

    /// <summary>
    /// Decodes, dispatches and enriches <paramref name="bodies"/> into the rows to write, on
    /// <see cref="IngestOptions.PrepareThreads"/> threads; the result is the same as on one thread. The observers see
    /// the records, but count them only once the batch is written and finished.
    /// </summary>
    public PreparedBatch Prepare(IReadOnlyList<EventBody> bodies, CancellationToken cancellationToken = default) =>
        Prepare(bodies, _threads, cancellationToken);

    /// <summary>
    /// As <see cref="Prepare(IReadOnlyList{EventBody}, CancellationToken)"/> on at most <paramref name="parallelism"/>
    /// threads (1: on the calling thread alone, as the single-thread P1 ratio measures it). With more than one thread
    /// the bodies are split into contiguous runs of about equal bytes, several per thread, claimed one at a time
    /// (<see cref="ParallelItems"/>);
    /// each run is prepared in input order into a part of its own and the parts are merged in input order, so the
    /// rows, dead letters and roll-up marks (the first record of a partition creates its mark) come out exactly as
    /// they would on one thread.
    /// </summary>
    public PreparedBatch Prepare(IReadOnlyList<EventBody> bodies, int parallelism, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bodies);
        var batch = new BatchState(_time.GetUtcNow());
        var runs = Runs(bodies, parallelism);
        if (runs.Length <= 1)
        {
            batch.Observe(_observers);
            DecodeRun(batch, bodies, 0, bodies.Count, cancellationToken);

            return new PreparedBatch(batch);
        }

        var parts = new BatchState[runs.Length];
        ParallelItems.Run(runs.Length, parallelism, i =>
        {
            var part = new BatchState(batch.Now).Observe(_observers);
            var (start, end) = runs[i];
            DecodeRun(part, bodies, start, end, cancellationToken);

            parts[i] = part;
        });
        batch.Pending.Capacity = parts.Sum(p => p.Pending.Count); // one list of the batch's rows, not regrown per part
        foreach (var part in parts)
        {
            batch.Merge(part);
        }

        return new PreparedBatch(batch);
    }

    /// <summary>
    /// A batch of one dead letter per body, each body whole with its own lineage, <paramref name="reason"/> and
    /// <paramref name="detail"/>, nothing ingested: a batch set aside because ingesting it failed on every attempt. Each
    /// payload is privacy-filtered as its records would have been, then by pattern (<see cref="DeadLetterRows.SanitizeWhole"/>);
    /// the observers see the dead letters.
    /// </summary>
    public PreparedBatch PrepareWhole(IReadOnlyList<EventBody> bodies, string reason, string detail)
    {
        ArgumentNullException.ThrowIfNull(bodies);
        var batch = new BatchState(_time.GetUtcNow()).Observe(_observers);
        foreach (var body in bodies)
        {
            batch.Bodies++;
            batch.Units++;
            _deadLetters.Add(batch, new DeadLetter(reason, detail, body.Data, body.Lineage), _deadLetters.SanitizeWhole(body.Data));
        }

        return new PreparedBatch(batch);
    }

    /// <summary>
    /// Splits the bodies into contiguous runs [start, end) of about equal bytes: <see cref="RunsPerThread"/> per thread,
    /// and no more runs than the batch holds <see cref="MinBytesPerRun"/>s (runs are cut where the running total passes
    /// each share, so one large body can make its run larger and its neighbour's smaller); a batch too small to give two threads
    /// <see cref="MinBytesPerThread"/> each stays one run, on one thread.
    /// </summary>
    private static (int Start, int End)[] Runs(IReadOnlyList<EventBody> bodies, int parallelism)
    {
        var total = 0L;
        foreach (var body in bodies)
        {
            total += body.Data.Length;
        }

        if (Math.Min(Math.Min(parallelism, bodies.Count), total / MinBytesPerThread) <= 1)
        {
            return [(0, bodies.Count)];
        }

        var count = (int)Math.Min(Math.Min((long)parallelism * RunsPerThread, bodies.Count), total / MinBytesPerRun);
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

    /// <summary>
    /// Decodes and processes bodies [<paramref name="start"/>, <paramref name="end"/>) into <paramref name="batch"/>, with
    /// the thread's decoded-body result (its list of items grows once per thread, not once per body or batch); emptied
    /// after, so it keeps no body alive.
    /// </summary>
    private void DecodeRun(BatchState batch, IReadOnlyList<EventBody> bodies, int start, int end, CancellationToken cancellationToken)
    {
        var decoded = t_decoded ??= new DecodedBody();
        try
        {
            for (var b = start; b < end; b++)
            {
                DecodeBody(batch, bodies[b], decoded, cancellationToken);
            }
        }
        finally
        {
            decoded.Reset(1);
        }
    }

    /// <summary>Decodes one body into <paramref name="decoded"/> (reused body after body) and processes its units.</summary>
    private void DecodeBody(BatchState batch, EventBody body, DecodedBody decoded, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        BodyDecoder.Decode(body, decoded);
        batch.Bodies += decoded.Bodies;
        foreach (var item in decoded.Items)
        {
            batch.Units++;
            if (item.DeadLetter is { } dead)
            {
                _deadLetters.Add(batch, dead, null);
            }
            else
            {
                _records.Process(batch, item);
            }
        }
    }
}
