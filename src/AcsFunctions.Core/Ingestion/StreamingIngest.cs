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
/// (<see cref="IngestPipeline.PrepareBatch"/>) with the writes of group n (<see cref="IngestPipeline.CommitAsync"/>).
/// At most two groups are in memory — one being written, the next being read and prepared — so memory stays flat
/// whatever the input size; groups are committed and reported in input order.
/// </summary>
public static class StreamingIngest
{
    /// <summary>
    /// Bytes per pipeline call (at most). Memory follows it: a prepared group holds ~10 bytes of rows per byte of input
    /// until it is written, and two groups are in memory; larger groups fill transactions better (docs/benchmarks.md, P2/P4).
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

        // A slot is taken before a group is read and given back once it is committed.
        using var slots = new SemaphoreSlim(GroupsInFlight, GroupsInFlight);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(() => PrepareGroupsAsync(pipeline, bodies, prepared.Writer, slots, stop.Token), CancellationToken.None);
        var total = new IngestResult();
        long bytes = 0;
        try
        {
            await foreach (var (batch, groupBytes) in prepared.Reader.ReadAllAsync(cancellationToken))
            {
                total = total.Add(await pipeline.CommitAsync(batch, cancellationToken));
                slots.Release();
                bytes += groupBytes;
                progress?.Report(new IngestProgress(total.Bodies, bytes, total.Records));
            }
        }
        catch
        {
            await stop.CancelAsync();
            try
            {
                await producer;
            }
            catch (OperationCanceledException)
            {
                // The producer stopped because the writer failed: the writer's error is the one to report.
            }

            throw;
        }

        await producer;
        return total;
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
        Task.Factory.StartNew(() => pipeline.PrepareBatch(group, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
