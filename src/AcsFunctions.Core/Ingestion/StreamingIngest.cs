using AcsFunctions.Decoding;

namespace AcsFunctions.Ingestion;

/// <summary>Progress of a streamed ingest.</summary>
/// <param name="Bodies">Bodies ingested so far.</param>
/// <param name="Bytes">Body bytes ingested so far.</param>
/// <param name="Records">Records ingested so far.</param>
public readonly record struct IngestProgress(long Bodies, long Bytes, long Records);

/// <summary>Feeds a stream of bodies to the pipeline in bounded groups (memory stays flat whatever the input size).</summary>
public static class StreamingIngest
{
    /// <summary>Bytes per pipeline call.</summary>
    public const int GroupBytes = 8 * 1024 * 1024;

    /// <summary>Bodies per pipeline call.</summary>
    public const int GroupBodies = 256;

    /// <summary>Ingests every body of <paramref name="bodies"/>.</summary>
    public static async Task<IngestResult> IngestAsync(
        this IngestPipeline pipeline,
        IAsyncEnumerable<EventBody> bodies,
        IProgress<IngestProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var total = new IngestResult();
        var group = new List<EventBody>();
        long groupBytes = 0, bytes = 0;
        await foreach (var body in bodies.WithCancellation(cancellationToken))
        {
            group.Add(body);
            groupBytes += body.Data.Length;
            if (groupBytes >= GroupBytes || group.Count >= GroupBodies)
            {
                total = total.Add(await pipeline.IngestAsync(group, cancellationToken));
                bytes += groupBytes;
                progress?.Report(new IngestProgress(total.Bodies, bytes, total.Records));
                group.Clear();
                groupBytes = 0;
            }
        }

        if (group.Count > 0)
        {
            total = total.Add(await pipeline.IngestAsync(group, cancellationToken));
            bytes += groupBytes;
            progress?.Report(new IngestProgress(total.Bodies, bytes, total.Records));
        }

        return total;
    }
}
