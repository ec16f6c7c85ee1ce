using AcsFunctions.Decoding;
using AcsFunctions.Dispatch;
using AcsFunctions.Privacy;
using AcsFunctions.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcsFunctions.Ingestion;

/// <summary>
/// The ingestion pipeline, stage by stage. <see cref="Preparer"/> (the CPU half): decode every body, check each
/// record's envelope, apply the privacy policy, dispatch by category to its handler and build the rows — typed rows,
/// raw rows for unknown categories, dead letters for everything else. <see cref="Writer"/>: write them (payloads too
/// large for a row go to blobs; rows the service refuses are dead-lettered). <see cref="Finisher"/>: mark the touched
/// windows and calls for roll-up and count the batch's observations. Every unit ends stored or dead-lettered, and the
/// returned counts reconcile. Data errors never escape; storage outages do (as <see cref="StorageUnavailableException"/>)
/// so the host retries the batch. A stream of bodies goes through the same stages in overlapping groups
/// (<see cref="StreamingIngest"/>).
/// </summary>
public sealed class IngestPipeline
{
    /// <summary>Reason for an entity the service refused (a limit we did not foresee).</summary>
    public const string StorageRejectedReason = RejectedRecords.Reason;

    /// <summary>Creates the pipeline and its stages.</summary>
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
        ArgumentNullException.ThrowIfNull(options);
        var deadLetters = new DeadLetterRows(sanitizer, logger);
        var records = new RecordProcessor(new RecordDispatch(registry), deadLetters, sanitizer, logger);

        // An array: iterating it per record allocates no enumerator.
        Preparer = new BatchPreparer(records, deadLetters, [.. observers], timeProvider, options.Value.PrepareThreads);
        Writer = new BatchWriter(writer, payloads, new RejectedRecords(deadLetters, payloads));
        Finisher = new BatchFinisher(writer, logger);
    }

    /// <summary>The CPU half: decode, envelope checks, sanitize, dispatch, build rows. Touches no storage.</summary>
    public BatchPreparer Preparer { get; }

    /// <summary>The storage half's first step: writes a prepared batch's rows and dead letters.</summary>
    public BatchWriter Writer { get; }

    /// <summary>The storage half's last step: roll-up marks and observations of a written batch.</summary>
    public BatchFinisher Finisher { get; }

    /// <summary>Ingests a batch of event bodies: prepares it, then <see cref="CommitAsync"/>.</summary>
    /// <exception cref="StorageUnavailableException">Storage stayed down; retry the whole batch later.</exception>
    public Task<IngestResult> IngestAsync(IReadOnlyList<EventBody> bodies, CancellationToken cancellationToken = default) =>
        CommitAsync(Preparer.Prepare(bodies, cancellationToken), cancellationToken);

    /// <summary>
    /// Dead-letters every body of <paramref name="bodies"/> whole (<see cref="BatchPreparer.PrepareWhole"/>) and stores
    /// the dead letters; the result counts each body as one dead-lettered unit. The same bodies with the same reason land
    /// on the same rows (the row key hashes reason and payload), so doing it again adds nothing.
    /// </summary>
    /// <exception cref="StorageUnavailableException">Storage stayed down; nothing is set aside, retry later.</exception>
    public Task<IngestResult> DeadLetterWholeAsync(IReadOnlyList<EventBody> bodies, string reason, string detail, CancellationToken cancellationToken = default) =>
        CommitAsync(Preparer.PrepareWhole(bodies, reason, detail), cancellationToken);

    /// <summary>
    /// The storage half of <see cref="IngestAsync"/>: writes the records and dead letters of a prepared batch, then
    /// finishes it (roll-up marks after their records, then the observations). Commit prepared batches in input order.
    /// </summary>
    /// <exception cref="StorageUnavailableException">Storage stayed down; retry the whole batch later.</exception>
    public async Task<IngestResult> CommitAsync(PreparedBatch prepared, CancellationToken cancellationToken = default) =>
        await Finisher.FinishAsync(await Writer.WriteAsync(prepared, cancellationToken), cancellationToken);
}
