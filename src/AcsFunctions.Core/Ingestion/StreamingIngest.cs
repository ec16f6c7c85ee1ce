using System.Threading.Channels;
using AcsFunctions.Decoding;

namespace AcsFunctions.Ingestion;

/// <summary>Progress of a streamed ingest.</summary>
/// <param name="Bodies">Bodies ingested so far.</param>
/// <param name="Bytes">Body bytes ingested so far.</param>
/// <param name="Records">Records ingested so far.</param>
public readonly record struct IngestProgress(long Bodies, long Bytes, long Records);

/// <summary>
/// Feeds a stream of bodies to the pipeline in bounded groups, overlapping the CPU half of group n+1
/// (<see cref="BatchPreparer"/>) with the writes of group n (<see cref="BatchWriter.WriteAsync"/>),
/// and finishing group n (roll-up marks and observations, <see cref="BatchFinisher.FinishAsync"/>) while group n+1's
/// rows are written. At most two groups' rows are in memory — one being written, the next being read and prepared —
/// so memory stays flat whatever the input size; groups are finished and reported in input order.
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

    /// <summary>Ingests every body of <paramref name="bodies"/>.</summary>
    /// <exception cref="Storage.StorageUnavailableException">
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

        // A slot is taken before a group is read and given back once its rows are written (the rows are then no longer
        // referenced: what remains of the group is its counts and roll-up marks).
        using var slots = new SemaphoreSlim(GroupsInFlight, GroupsInFlight);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(() => PrepareGroupsAsync(pipeline, bodies, prepared.Writer, slots, stop.Token), CancellationToken.None);
        var total = new IngestResult();
        long bytes = 0;

        // Group n is finished (marks, observations) while group n+1's rows are written, so storage is not left idle
        // between groups; groups are finished and reported one at a time, in input order.
        Task<(IngestResult Result, long Bytes)>? finishing = null;
        try
        {
            while (await prepared.Reader.WaitToReadAsync(cancellationToken))
            {
                var (written, groupBytes) = await WriteNextAsync(pipeline, prepared.Reader, stop.Token);
                slots.Release();
                if (finishing is not null)
                {
                    Report(await finishing);
                }

                finishing = FinishAsync(pipeline, written, groupBytes, stop.Token);
            }

            if (finishing is not null)
            {
                Report(await finishing);
            }
        }
        catch
        {
            await stop.CancelAsync();
            await IgnoreFailureAsync(finishing);
            await IgnoreFailureAsync(producer);
            throw;
        }

        await producer;
        return total;

        void Report((IngestResult Result, long Bytes) finished)
        {
            total = total.Add(finished.Result);
            bytes += finished.Bytes;
            progress?.Report(new IngestProgress(total.Bodies, bytes, total.Records));
        }
    }

    /// <summary>Writes the rows of the next prepared group (the only reference to them is this call's).</summary>
    private static async Task<(WrittenBatch Written, long Bytes)> WriteNextAsync(
        IngestPipeline pipeline, ChannelReader<(PreparedBatch Batch, long Bytes)> reader, CancellationToken cancellationToken)
    {
        var next = reader.TryRead(out var item) ? item : throw new InvalidOperationException("A prepared group was announced but not readable.");
        return (await pipeline.Writer.WriteAsync(next.Batch, cancellationToken), next.Bytes);
    }

    private static async Task<(IngestResult Result, long Bytes)> FinishAsync(IngestPipeline pipeline, WrittenBatch written, long bytes, CancellationToken cancellationToken) =>
        (await pipeline.Finisher.FinishAsync(written, cancellationToken), bytes);

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
    /// Prepares a group on a thread of its own: preparing takes seconds of CPU, and on a thread-pool thread it would
    /// starve the continuations of the writes it is meant to overlap (a small machine has as few pool threads as cores).
    /// </summary>
    private static Task<PreparedBatch> PrepareAsync(IngestPipeline pipeline, List<EventBody> group, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(() => pipeline.Preparer.Prepare(group, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
