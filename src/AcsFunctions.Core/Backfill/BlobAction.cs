namespace AcsFunctions.Backfill;

/// <summary>What a backfill run did with one blob.</summary>
public enum BlobAction
{
    /// <summary>Never seen before: read from the start.</summary>
    Started,

    /// <summary>Unchanged since the last run and fully read: nothing read.</summary>
    Unchanged,

    /// <summary>An interrupted run's blob (same ETag): continued from its checkpoint.</summary>
    Resumed,

    /// <summary>The blob grew (appended to, or re-uploaded longer with the same beginning): continued from its checkpoint.</summary>
    Grown,

    /// <summary>The blob changed in a way that is not growth: read again from the start (rows are content-keyed, so nothing is stored twice).</summary>
    Restarted,

    /// <summary>Replaced or deleted while this run read it: what was read is checkpointed; the next run continues or re-reads.</summary>
    ChangedWhileReading,
}
