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
        await _writer.WriteAsync(written.Marks.Select(m => new TableWrite(TableNames.RollupPending, m)), cancellationToken);
        foreach (var observation in written.Observations)
        {
            await observation.CommitAsync(cancellationToken);
        }

        var result = written.Result;
        Log.IngestCompleted(_logger, result.Bodies, result.Records, result.Stored, result.Unclassified, result.DeadLettered);
        return result;
    }
}
