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
/// At most one prepared group waits while another is written and the next is read and prepared, so memory stays
/// flat whatever the input size; groups are committed and reported in input order.
/// </summary>
public static class StreamingIngest
{
    /// <summary>Bytes per pipeline call (at most).</summary>
    public const int GroupBytes = 8 * 1024 * 1024;

    /// <summary>
    /// Bytes of the first group: groups start small and double up to <see cref="GroupBytes"/>, so the writes start
    /// early (the first group's preparation is the only one nothing overlaps) and later groups still fill whole
    /// transactions per partition.
    /// </summary>
    public const int FirstGroupBytes = 512 * 1024;

    /// <summary>Bodies per pipeline call.</summary>
    public const int GroupBodies = 256;

    /// <summary>Prepared groups that may wait for the writer (besides the one being written and the one being prepared).</summary>
    public const int PreparedAhead = 1;

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
        var prepared = Channel.CreateBounded<(PreparedBatch Batch, long Bytes)>(new BoundedChannelOptions(PreparedAhead)
        {
            SingleReader = true,
            SingleWriter = true,
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(() => PrepareGroupsAsync(pipeline, bodies, prepared.Writer, stop.Token), CancellationToken.None);
        var total = new IngestResult();
        long bytes = 0;
        try
        {
            await foreach (var (batch, groupBytes) in prepared.Reader.ReadAllAsync(cancellationToken))
            {
                total = total.Add(await pipeline.CommitAsync(batch, cancellationToken));
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

    private static async Task PrepareGroupsAsync(IngestPipeline pipeline, IAsyncEnumerable<EventBody> bodies, ChannelWriter<(PreparedBatch, long)> output, CancellationToken cancellationToken)
    {
        try
        {
            var group = new List<EventBody>();
            long groupBytes = 0, target = FirstGroupBytes;
            await foreach (var body in bodies.WithCancellation(cancellationToken))
            {
                group.Add(body);
                groupBytes += body.Data.Length;
                if (groupBytes >= target || group.Count >= GroupBodies)
                {
                    await output.WriteAsync((pipeline.PrepareBatch(group, cancellationToken), groupBytes), cancellationToken);
                    group = [];
                    groupBytes = 0;
                    target = Math.Min(GroupBytes, target * 2);
                }
            }

            if (group.Count > 0)
            {
                await output.WriteAsync((pipeline.PrepareBatch(group, cancellationToken), groupBytes), cancellationToken);
            }

            output.Complete();
        }
        catch (Exception ex)
        {
            output.Complete(ex);
            throw;
        }
    }
}
