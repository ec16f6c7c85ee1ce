using System.Security.Cryptography;
using AcsFunctions.Decoding;
using AcsFunctions.Ingestion;
using Azure;
using Microsoft.Extensions.Logging;

namespace AcsFunctions.Backfill;

/// <summary>
/// Backfills from a diagnostic-settings storage archive: lists the hourly blobs in range, streams each one in
/// chunks of whole lines through the same <see cref="IngestPipeline"/> as the live path (lineage = container/blob
/// name and line), and checkpoints every chunk (ETag, lines, byte offset, a hash of the last bytes read). A re-run
/// skips unchanged blobs, continues interrupted and grown ones from their checkpoint, and re-reads a blob that was
/// rewritten — rows are keyed by content, so no record is ever stored twice.
/// </summary>
public sealed class BackfillService
{
    /// <summary>Bytes before the checkpoint offset whose hash proves that a changed blob only grew.</summary>
    public const int TailBytes = 1024;

    private readonly IngestPipeline _pipeline;
    private readonly BackfillCheckpointStore _checkpoints;
    private readonly TimeProvider _time;
    private readonly ILogger<BackfillService> _logger;

    /// <summary>Creates the service.</summary>
    public BackfillService(IngestPipeline pipeline, BackfillCheckpointStore checkpoints, TimeProvider timeProvider, ILogger<BackfillService> logger)
    {
        _pipeline = pipeline;
        _checkpoints = checkpoints;
        _time = timeProvider;
        _logger = logger;
    }

    /// <summary>Runs a backfill. Cancelling keeps every finished chunk's checkpoint, so a re-run continues.</summary>
    /// <exception cref="Storage.StorageUnavailableException">The destination storage (tables, payload blobs) stayed down; re-run later.</exception>
    public async Task<BackfillResult> RunAsync(ArchiveSource source, BackfillRequest request, IProgress<BackfillProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var blobs = new List<ArchiveBlob>();
        await foreach (var blob in source.ListAsync(request.Categories, request.Resources, request.From, request.To, cancellationToken))
        {
            blobs.Add(blob);
        }

        var bytesTotal = blobs.Sum(b => b.Length);
        BackfillLog.Listed(_logger, blobs.Count, bytesTotal, source.AccountName);
        var run = new RunState(blobs.Count, bytesTotal, progress);
        foreach (var blob in blobs)
        {
            run.Outcomes.Add(await BackfillBlobAsync(source, blob, request, run, cancellationToken));
            run.BlobsDone++;
            run.Report(null);
        }

        BackfillLog.Completed(_logger, blobs.Count, run.BytesRead, run.Ingest.Records);
        return new BackfillResult { Blobs = run.Outcomes, BytesRead = run.BytesRead, Ingest = run.Ingest };
    }

    private async Task<BlobBackfill> BackfillBlobAsync(ArchiveSource source, ArchiveBlob blob, BackfillRequest request, RunState run, CancellationToken cancellationToken)
    {
        var checkpoint = await _checkpoints.GetAsync(source.AccountName, blob, cancellationToken);
        var (action, start) = await DecideAsync(source, blob, checkpoint, cancellationToken);
        if (action == BlobAction.Unchanged)
        {
            run.BytesAccounted += blob.Length;
            return new BlobBackfill(blob.FullName, action, 0, 0, 0, 0);
        }

        BackfillLog.Blob(_logger, action, blob.FullName, start.LinesDone + 1, start.BytesDone, blob.Length);
        run.BytesAccounted += start.BytesDone;
        var isFinal = blob.Path.Hour.AddHours(1) + request.FinalAfter <= _time.GetUtcNow();
        var current = start;
        long bytes = 0, lines = 0, records = 0;
        var changed = false;
        try
        {
            await using (var stream = await source.OpenAsync(blob, start.BytesDone, cancellationToken))
            {
                await foreach (var chunk in ArchiveChunkReader.ReadAsync(stream, start.BytesDone, start.LinesDone + 1, isFinal, request.ChunkBytes, cancellationToken))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var body = new EventBody(chunk.Data, new Lineage { File = blob.FullName, Line = chunk.FirstLine }) { IsNdjson = chunk.IsNdjson };
                    var result = await _pipeline.IngestAsync([body], cancellationToken);
                    var tail = chunk.Data.Length >= TailBytes ? chunk.Data[^TailBytes..] : chunk.Data;
                    current = new BackfillCheckpoint
                    {
                        ETag = blob.ETag,
                        LinesDone = chunk.LinesDone,
                        BytesDone = chunk.EndOffset,
                        Length = blob.Length,
                        Records = current.Records + result.Records,
                        TailLength = tail.Length,
                        TailHash = Hash(tail.Span),
                        UpdatedAt = _time.GetUtcNow(),
                    };
                    await _checkpoints.SaveAsync(source.AccountName, blob, current, cancellationToken);
                    run.Ingest = run.Ingest.Add(result);
                    run.BytesRead += chunk.Data.Length;
                    run.BytesAccounted += chunk.Data.Length;
                    bytes += chunk.Data.Length;
                    lines += chunk.Lines;
                    records += result.Records;
                    run.Report(blob.FullName);
                }
            }
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412 && source.Answered(ex))
        {
            // Replaced or deleted since it was listed: every finished chunk is checkpointed; the next run compares
            // the checkpoint's tail with the new content and continues or re-reads. Only the archive's answer says
            // so: a 404/412 from the destination (a payload container or table gone) is its own error and escapes.
            BackfillLog.ChangedWhileReading(_logger, blob.FullName, ex.Status);
            changed = true;
        }

        if (changed)
        {
            return new BlobBackfill(blob.FullName, BlobAction.ChangedWhileReading, lines == 0 ? 0 : start.LinesDone + 1, lines, bytes, records);
        }

        if (current.ETag != blob.ETag || current.Length != blob.Length)
        {
            // Nothing new to read (e.g. only an unfinished last line was appended): remember the new ETag anyway.
            current = current with { ETag = blob.ETag, Length = blob.Length, UpdatedAt = _time.GetUtcNow() };
            await _checkpoints.SaveAsync(source.AccountName, blob, current, cancellationToken);
        }

        run.BytesAccounted += blob.Length - current.BytesDone;
        return new BlobBackfill(blob.FullName, action, lines == 0 ? 0 : start.LinesDone + 1, lines, bytes, records);
    }

    private async Task<(BlobAction Action, BackfillCheckpoint Start)> DecideAsync(ArchiveSource source, ArchiveBlob blob, BackfillCheckpoint? checkpoint, CancellationToken cancellationToken)
    {
        var fresh = new BackfillCheckpoint { ETag = blob.ETag, LinesDone = 0, BytesDone = 0, Length = blob.Length };
        if (checkpoint is null)
        {
            return (BlobAction.Started, fresh);
        }

        if (checkpoint.ETag == blob.ETag)
        {
            return checkpoint.BytesDone >= blob.Length
                ? (BlobAction.Unchanged, checkpoint)
                : (BlobAction.Resumed, checkpoint);
        }

        if (blob.Length >= checkpoint.BytesDone && await TailMatchesAsync(source, blob, checkpoint, cancellationToken))
        {
            return (BlobAction.Grown, checkpoint);
        }

        BackfillLog.Rewritten(_logger, blob.FullName, blob.Length, checkpoint.BytesDone);
        return (BlobAction.Restarted, fresh with { Records = checkpoint.Records });
    }

    private static async Task<bool> TailMatchesAsync(ArchiveSource source, ArchiveBlob blob, BackfillCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        if (checkpoint.BytesDone == 0)
        {
            return true;
        }

        if (checkpoint.TailHash is null || checkpoint.TailLength <= 0)
        {
            return false;
        }

        var tail = await source.ReadRangeAsync(blob, checkpoint.BytesDone - checkpoint.TailLength, checkpoint.TailLength, cancellationToken);
        return tail.Length == checkpoint.TailLength && Hash(tail) == checkpoint.TailHash;
    }

    private static string Hash(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    private sealed class RunState(int blobsTotal, long bytesTotal, IProgress<BackfillProgress>? progress)
    {
        public List<BlobBackfill> Outcomes { get; } = [];

        public IngestResult Ingest { get; set; } = new();

        public int BlobsDone { get; set; }

        public long BytesRead { get; set; }

        public long BytesAccounted { get; set; }

        public void Report(string? currentBlob) =>
            progress?.Report(new BackfillProgress(BlobsDone, blobsTotal, Math.Min(BytesAccounted, bytesTotal), bytesTotal, Ingest.Records, currentBlob));
    }
}
