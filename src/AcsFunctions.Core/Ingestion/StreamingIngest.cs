using System.Threading.Channels;
using AcsFunctions.Decoding;
using AcsFunctions.Storage;

namespace AcsFunctions.Ingestion;

/// <summary>Progress of a streamed ingest.</summary>
/// <param name="Bodies">Bodies ingested so far.</param>
/// <param name="Bytes">Body bytes ingested so far.</param>
/// <param name="Records">Records ingested so far.</param>
public readonly record struct IngestProgress(long Bodies, long Bytes, long Records);

/// <summary>
/// Feeds a stream of bodies to the pipeline in bounded groups, overlapping the CPU half of the next group
/// (<see cref="BatchPreparer"/>) with the writes of the groups before it (<see cref="BatchWriter"/>). Each partition's last
/// partial transaction is held back and written with the next group's rows (<see cref="PartialTransactions"/>, flushed at
/// the end). The writes of consecutive groups share one bound of transactions in flight (<see cref="TransactionStream"/>):
/// a group's transactions start as the previous group's last ones finish, with no barrier per group. Groups whose rows
/// are all written are finished (roll-up marks and observations, <see cref="BatchFinisher.FinishAsync(IReadOnlyList{WrittenBatch}, CancellationToken)"/>)
/// <see cref="FinishGroups"/> at a time — their marks in one set of transactions per mark partition, one health and one
/// drift write — while later groups are written; groups are finished and reported in input order. At most two groups'
/// rows wait in memory besides the one being prepared, so memory stays flat whatever the input size.
/// </summary>
public static class StreamingIngest
{
    /// <summary>
    /// Bytes per pipeline call (at most). Memory follows it: a prepared group holds ~10 bytes of rows per byte of input
    /// until its rows are written, and two groups are in memory; larger groups split fewer partitions across groups, so
    /// they need fewer transactions (docs/benchmarks.md, P2 and P4).
    /// </summary>
    public const int GroupBytes = 2 * 1024 * 1024;

    /// <summary>
    /// Bytes of the first group: groups start small and double up to <see cref="GroupBytes"/>, so the writes start
    /// early (the first group's preparation is the only one nothing overlaps) and later groups still fill whole
    /// transactions per partition.
    /// </summary>
    public const int FirstGroupBytes = 512 * 1024;

    /// <summary>Bodies per pipeline call.</summary>
    public const int GroupBodies = 256;

    /// <summary>Groups in memory at once: the one being written and the one being read and prepared.</summary>
    public const int GroupsInFlight = 2;

    /// <summary>
    /// Written groups finished together (and then reported): their roll-up marks are one write — a window or call marked
    /// by several groups is written once, and the mark partitions' transactions are shared — and health and drift are
    /// written once for them. Progress is reported in steps of up to this many groups (8 MiB of input).
    /// </summary>
    public const int FinishGroups = 4;

    /// <summary>Ingests every body of <paramref name="bodies"/>.</summary>
    /// <exception cref="StorageUnavailableException">
    /// Storage stayed down; every group reported through <paramref name="progress"/> was stored, later ones may be partly.
    /// </exception>
    public static async Task<IngestResult> IngestAsync(
        this IngestPipeline pipeline,
        IAsyncEnumerable<EventBody> bodies,
        IProgress<IngestProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var prepared = Channel.CreateBounded<(PreparedBatch Batch, long Bytes)>(new BoundedChannelOptions(GroupsInFlight)
        {
            SingleReader = true,
            SingleWriter = true,
        });

        // A slot is taken before a group is read and given back once its own transactions are written (the rows it held
        // back go with the next group's).
        using var slots = new SemaphoreSlim(GroupsInFlight, GroupsInFlight);
        using var stream = pipeline.Writer.OpenStream(cancellationToken);
        var producer = Task.Run(() => PrepareGroupsAsync(pipeline, bodies, prepared.Writer, slots, stream.Token), CancellationToken.None);
        var total = new IngestResult();
        long bytes = 0;
        var carry = new PartialTransactions();

        // Two chains, each one step at a time in input order: the completions of started writes (rejections, releases),
        // and the finishes of written groups. Group n is written once the write of group n+1 (which carries its held-back
        // rows) is complete.
        Task completing = Task.CompletedTask;
        Task finishing = Task.CompletedTask;
        var written = new List<(WrittenBatch Batch, long Bytes)>();
        try
        {
            (BatchState State, long Bytes)? previous = null;
            while (await prepared.Reader.WaitToReadAsync(stream.Token))
            {
                var next = prepared.Reader.TryRead(out var item) ? item : throw new InvalidOperationException("A prepared group was announced but not readable.");
                var write = await pipeline.Writer.StartStreamedAsync(next.Batch.State, carry, stream, stream.Token);
                completing = CompleteAfterAsync(completing, write, (next.Batch.State, next.Bytes), previous);
                previous = (next.Batch.State, next.Bytes);
            }

            if (previous is not null)
            {
                var flush = await pipeline.Writer.StartStreamedAsync(null, carry, stream, stream.Token);
                completing = CompleteAfterAsync(completing, flush, null, previous);
            }

            await completing;
            FinishWritten(all: true);
            await finishing;
        }
        catch (Exception ex)
        {
            // The input (not storage) failed: the groups whose rows are all written are finished and reported.
            if (ex is not StorageUnavailableException and not OperationCanceledException)
            {
                await IgnoreFailureAsync(completing);
                FinishWritten(all: true);
                await IgnoreFailureAsync(finishing);
            }

            stream.Fail(ex);
            await IgnoreFailureAsync(completing);
            await IgnoreFailureAsync(finishing);
            await IgnoreFailureAsync(producer);
            stream.ThrowFirstFailure();
            throw;
        }

        await producer;
        return total;

        async Task CompleteAfterAsync(Task before, StreamedWrite write, (BatchState State, long Bytes)? group, (BatchState State, long Bytes)? previousGroup)
        {
            try
            {
                await before;
            }
            catch (Exception)
            {
                await IgnoreFailureAsync(write.Done);
                throw;
            }

            await pipeline.Writer.CompleteStreamedAsync(write, group?.State, previousGroup?.State, stream.Token);
            if (group is not null)
            {
                slots.Release();
            }

            if (previousGroup is { } done)
            {
                written.Add((BatchWriter.Written(done.State), done.Bytes));
                FinishWritten(all: false);
            }
        }

        void FinishWritten(bool all)
        {
            if (written.Count == 0 || (!all && written.Count < FinishGroups))
            {
                return;
            }

            List<(WrittenBatch Batch, long Bytes)> groups = [.. written];
            written.Clear();
            finishing = FinishAfterAsync(finishing, groups);
        }

        async Task FinishAfterAsync(Task before, List<(WrittenBatch Batch, long Bytes)> groups)
        {
            await before;
            var results = await pipeline.Finisher.FinishAsync([.. groups.Select(g => g.Batch)], stream.Token);
            for (var i = 0; i < groups.Count; i++)
            {
                total = total.Add(results[i]);
                bytes += groups[i].Bytes;
                progress?.Report(new IngestProgress(total.Bodies, bytes, total.Records));
            }
        }
    }

    /// <summary>
    /// Waits for a task that runs alongside a failed one: the first failure is the one to report (the others follow
    /// from it or from the cancellation it caused).
    /// </summary>
    private static async Task IgnoreFailureAsync(Task? task)
    {
        if (task is null)
        {
            return;
        }

        try
        {
            await task;
        }
        catch (Exception)
        {
            // Reported through the first failure.
        }
    }

    private static async Task PrepareGroupsAsync(
        IngestPipeline pipeline, IAsyncEnumerable<EventBody> bodies, ChannelWriter<(PreparedBatch, long)> output, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        try
        {
            long target = FirstGroupBytes;
            await using var input = bodies.GetAsyncEnumerator(cancellationToken);
            while (true)
            {
                await slots.WaitAsync(cancellationToken);
                var group = new List<EventBody>();
                long groupBytes = 0;
                while (groupBytes < target && group.Count < GroupBodies && await input.MoveNextAsync())
                {
                    group.Add(input.Current);
                    groupBytes += input.Current.Data.Length;
                }

                if (group.Count == 0)
                {
                    break;
                }

                var batch = await PrepareAsync(pipeline, group, cancellationToken);
                group.Clear(); // the bodies' bytes are garbage from here on: only the prepared rows wait to be written
                await output.WriteAsync((batch, groupBytes), cancellationToken);
                target = Math.Min(GroupBytes, target * 2);
            }

            output.Complete();
        }
        catch (Exception ex)
        {
            output.Complete(ex);
            throw;
        }
    }

    /// <summary>
    /// Prepares a group on a long-lived preparing thread (<see cref="PreparingThreads"/>): preparing takes seconds of CPU,
    /// and on a thread-pool thread it would starve the continuations of the writes it is meant to overlap (a small machine
    /// has as few pool threads as cores); a thread of its own per group (as before) built the record path's per-thread
    /// buffers and tables again for every group.
    /// </summary>
    private static Task<PreparedBatch> PrepareAsync(IngestPipeline pipeline, List<EventBody> group, CancellationToken cancellationToken) =>
        PreparingThreads.RunAsync(() => pipeline.Preparer.Prepare(group, cancellationToken), cancellationToken);
}
