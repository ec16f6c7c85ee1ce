using AcsFunctions.Diagnostics;
using AcsFunctions.Storage;
using Microsoft.Extensions.Logging;

namespace AcsFunctions.Ingestion;

/// <summary>
/// The finish stage, once a batch's rows are written: marks the touched partitions for roll-up (always after their
/// records), then commits the batch's observations (health and drift count a batch once its rows are written, and
/// only once). Finish batches in input order, one at a time.
/// </summary>
public sealed class BatchFinisher
{
    private readonly TableWriter _writer;
    private readonly ILogger _logger;

    internal BatchFinisher(TableWriter writer, ILogger logger)
    {
        _writer = writer;
        _logger = logger;
    }

    /// <summary>Finishes <paramref name="written"/> and returns its counts.</summary>
    /// <exception cref="StorageUnavailableException">Storage stayed down; retry the whole batch later.</exception>
    public async Task<IngestResult> FinishAsync(WrittenBatch written, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(written);
        return (await FinishAsync([written], cancellationToken))[0];
    }

    /// <summary>
    /// Finishes several written batches at once (consecutive batches of a stream, in input order) and returns their
    /// counts: their roll-up marks in one write (a key marked by several of them is written once, the latest mark
    /// winning: one set of transactions per mark partition instead of one per batch), then their observations, each
    /// observer writing once for all of them.
    /// </summary>
    /// <exception cref="StorageUnavailableException">Storage stayed down; retry the batches later.</exception>
    public async Task<IReadOnlyList<IngestResult>> FinishAsync(IReadOnlyList<WrittenBatch> written, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(written);
        await _writer.WriteAsync(written.SelectMany(w => w.Marks).Select(m => new TableWrite(TableNames.RollupPending, m)), cancellationToken);

        // Observations that can be staged (health, drift) are added to their observer's counts first and flushed once per
        // observer; any other is committed on its own, in order.
        var flushes = new List<IStagedObservation>();
        foreach (var observation in written.SelectMany(w => w.Observations))
        {
            if (observation is IStagedObservation staged)
            {
                if (staged.Stage() && !flushes.Exists(f => f.SameObserver(staged)))
                {
                    flushes.Add(staged);
                }
            }
            else
            {
                await observation.CommitAsync(cancellationToken);
            }
        }

        foreach (var flush in flushes)
        {
            await flush.FlushAsync(cancellationToken);
        }

        var results = new IngestResult[written.Count];
        for (var i = 0; i < written.Count; i++)
        {
            results[i] = written[i].Result;
            Log.IngestCompleted(_logger, results[i].Bodies, results[i].Records, results[i].Stored, results[i].Unclassified, results[i].DeadLettered);
        }

        return results;
    }
}

/// <summary>
/// An observation whose commit is two steps, so that the finish of several batches writes once per observer:
/// <see cref="Stage"/> adds the batch's counts to its observer's pending counts (the first call only), and
/// <see cref="FlushAsync"/> writes everything the observer has pending — what <see cref="IIngestObservation.CommitAsync"/>
/// does in one call.
/// </summary>
internal interface IStagedObservation : IIngestObservation
{
    /// <summary>Adds the batch's counts to the observer's pending counts; false when already committed or staged.</summary>
    bool Stage();

    /// <summary>Writes the observer's pending counts (persistence failures are kept for the next flush, as by a commit).</summary>
    Task FlushAsync(CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="other"/> belongs to the same observer (one flush writes both).</summary>
    bool SameObserver(IStagedObservation other);
}
