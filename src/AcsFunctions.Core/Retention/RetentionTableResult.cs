namespace AcsFunctions.Retention;

/// <summary>What one retention run did (or, dry, would do) to one table and tier.</summary>
public sealed record RetentionTableResult
{
    /// <summary>The logical table.</summary>
    public required string Table { get; init; }

    /// <summary><c>minute</c>, <c>hour</c>, <c>day</c> (aggregate tiers), <c>calls</c> (per-call rows) or <c>rows</c>.</summary>
    public required string Tier { get; init; }

    /// <summary>The setting (<c>AcsFunctions:Retention:&lt;Setting&gt;</c>).</summary>
    public required string Setting { get; init; }

    /// <summary>The setting's value in days.</summary>
    public double RetentionDays { get; init; }

    /// <summary>Partitions starting before this time go.</summary>
    public DateTimeOffset Cutoff { get; init; }

    /// <summary>Rows read from the expired partitions (every one of them is deleted, or kept by a guard).</summary>
    public long RowsRead { get; set; }

    /// <summary>Rows deleted (0 in a dry run: see <see cref="WouldDelete"/>).</summary>
    public long Deleted { get; set; }

    /// <summary>A dry run's rows that a real run would delete now (0 in a real run).</summary>
    public long WouldDelete { get; set; }

    /// <summary>Expired rows kept because the roll-up still needs them (a pending mark, or no hour/day row yet).</summary>
    public long Kept { get; set; }

    /// <summary>Expired rows left because they changed or went while the run deleted them (the next run retries).</summary>
    public long Conflicts { get; set; }

    /// <summary>Payload blobs deleted with their rows.</summary>
    public long BlobsDeleted { get; set; }

    /// <summary>Hour or day marks written for old rows that have no coarse row yet (the roll-up builds them; a later run deletes).</summary>
    public long CoarseRowsRequested { get; set; }

    /// <summary>The oldest expired partition's time (null when nothing had expired).</summary>
    public DateTimeOffset? Oldest { get; set; }

    /// <summary>True when the run stopped at <see cref="RetentionOptions.MaxRowsPerTable"/>; the next run continues.</summary>
    public bool More { get; set; }
}
