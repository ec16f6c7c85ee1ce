namespace AcsFunctions.Retention;

/// <summary>One retention run: per table and tier, and what it read.</summary>
public sealed record RetentionResult
{
    /// <summary>Nothing was deleted (<c>acs-diag retention --dry-run</c>).</summary>
    public bool DryRun { get; init; }

    /// <summary>When the run started (the cutoffs are measured from it).</summary>
    public DateTimeOffset Now { get; init; }

    /// <summary>Per table and tier, in run order.</summary>
    public required IReadOnlyList<RetentionTableResult> Tables { get; init; }

    /// <summary>Rows read from expired partitions, all tables (each one deleted or kept by a guard).</summary>
    public long RowsRead => Tables.Sum(t => t.RowsRead);

    /// <summary>Rows deleted (0 in a dry run).</summary>
    public long Deleted => Tables.Sum(t => t.Deleted);

    /// <summary>A dry run's rows that a real run would delete now (0 in a real run).</summary>
    public long WouldDelete => Tables.Sum(t => t.WouldDelete);

    /// <summary>
    /// Rows read to check the guards: pending marks older than the cutoffs and the hour/day rows of the expired
    /// minutes and hours (never a live partition's rows).
    /// </summary>
    public long GuardRowsRead { get; init; }

    /// <summary>Query round trips (pages), guards included.</summary>
    public long ReadQueries { get; init; }

    /// <summary>Entity-group transactions submitted (at most 100 deletes each, one partition).</summary>
    public long Transactions { get; init; }

    /// <summary>True when some table stopped at its per-run bound; the next run continues.</summary>
    public bool More => Tables.Any(t => t.More);

    /// <summary>
    /// Payload blobs deleted because an earlier run deleted their rows and stopped before their blobs (finished from the
    /// intents it recorded; 0 in a dry run).
    /// </summary>
    public long OrphanBlobsDeleted { get; init; }

    /// <summary>
    /// Row keys of blob intents in the retention state table (partition <c>blobs</c>) that could not be read: the payload
    /// blobs they name are never deleted by guesswork, so they may stay after their rows. Inspect each row, delete the
    /// blobs whose rows are gone, then delete the row (docs/retention.md).
    /// </summary>
    public IReadOnlyList<string> UnreadableIntents { get; init; } = [];

    /// <summary>How long the run took.</summary>
    public TimeSpan Elapsed { get; init; }
}
