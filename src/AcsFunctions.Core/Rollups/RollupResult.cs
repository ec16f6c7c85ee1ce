namespace AcsFunctions.Rollups;

/// <summary>What one roll-up run did. Counts of rows read show the cost: proportional to what changed.</summary>
public sealed record RollupResult
{
    /// <summary>Identifies the run in logs and lease columns.</summary>
    public required string RunId { get; init; }

    /// <summary>Window marks recomputed (windowed record partitions: one minute, resource and category).</summary>
    public int Windows { get; init; }

    /// <summary>Call marks recomputed.</summary>
    public int Calls { get; init; }

    /// <summary>Call-start windows recomputed (calls per window and stream quality).</summary>
    public int CallWindows { get; init; }

    /// <summary>Hours of one aggregate table recomputed (hourly rows from the minute rows).</summary>
    public int Hours { get; init; }

    /// <summary>Days of one aggregate table recomputed (daily rows from the hourly rows).</summary>
    public int Days { get; init; }

    /// <summary>Marks recomputed in total.</summary>
    public int Processed => Windows + Calls + CallWindows + Hours + Days;

    /// <summary>Marks recomputed but kept pending, because they changed meanwhile (new data, or another run).</summary>
    public int Retained { get; init; }

    /// <summary>Marks skipped because another run owned them.</summary>
    public int Skipped { get; init; }

    /// <summary>
    /// Of <see cref="Skipped"/>, the marks under another run's unexpired lease — possibly a run that died; they are taken
    /// over when the lease ends (<see cref="LeasedUntil"/>), and queries flag their windows as incomplete until then.
    /// </summary>
    public int Leased { get; init; }

    /// <summary>The latest lease end among <see cref="Leased"/> marks, if any.</summary>
    public DateTimeOffset? LeasedUntil { get; init; }

    /// <summary>Read round trips (query pages) the run issued: one per contiguous range of changed partitions, not per mark.</summary>
    public long ReadQueries { get; init; }

    /// <summary>Aggregate write round trips (entity-group transactions and single deletes).</summary>
    public long WriteRequests { get; init; }

    /// <summary>Marks whose recompute failed (they stay pending; see the log).</summary>
    public int Failed { get; init; }

    /// <summary>
    /// Hours or days of an aggregate table left as they were because late data for them could not be added exactly:
    /// retention had deleted the rows below them and their raw rows. Each one is recorded as a
    /// <see cref="RollupMarkKinds.Late"/> mark (docs/retention.md).
    /// </summary>
    public int LateNotMerged { get; init; }

    /// <summary>
    /// Hour or day marks dropped (with an error log, <c>MarkOutOfRange</c>) because their period starts outside the
    /// accepted event times (<see cref="Storage.EventTimeRange"/>): such a period cannot be recomputed (its end is past the
    /// last representable time) and no query reaches it, so retrying it would fail every run. Ingest no longer places
    /// anything there; a mark left from before is dropped once.
    /// </summary>
    public int OutOfRange { get; init; }

    /// <summary>Raw record rows read (records and call records).</summary>
    public long RecordRowsRead { get; init; }

    /// <summary>Aggregate rows read (existing keys of a recomputed scope, per-call rows of a call window, call index).</summary>
    public long AggregateRowsRead { get; init; }

    /// <summary>All rows read.</summary>
    public long RowsRead => RecordRowsRead + AggregateRowsRead;

    /// <summary>Aggregate rows written (upsert, replace).</summary>
    public long RowsWritten { get; init; }

    /// <summary>Aggregate rows deleted because a recompute no longer produced them.</summary>
    public long RowsDeleted { get; init; }

    /// <summary>The earliest minute window recomputed (record windows and call-start windows), if any.</summary>
    public DateTimeOffset? FirstWindow { get; init; }

    /// <summary>The latest minute window recomputed, if any.</summary>
    public DateTimeOffset? LastWindow { get; init; }

    /// <summary>Wall-clock duration of the run.</summary>
    public TimeSpan Elapsed { get; init; }
}
