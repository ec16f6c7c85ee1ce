namespace AcsFunctions.Dispatch;

/// <summary>Where a record is stored.</summary>
public enum RecordPlacement
{
    /// <summary>In the records table, partitioned by (1-minute window of event time, resource, category).</summary>
    Window,

    /// <summary>In the call-records table, partitioned by (resource, correlation id): all records of one call together.</summary>
    Call,
}

/// <summary>What a handler made of a record: where it goes and its typed, enriched columns.</summary>
public sealed class EnrichedRecord
{
    /// <summary>Where the record is stored.</summary>
    public required RecordPlacement Placement { get; init; }

    /// <summary>The enriched columns (the envelope columns are added by the pipeline).</summary>
    public required ColumnSet Columns { get; init; }

    /// <summary>
    /// For <see cref="RecordPlacement.Call"/>: the row key inside the call partition — a logical key (e.g. the
    /// participant, or participant + media type + stream) plus the zero-padded update version, so every version
    /// is kept and the highest one wins at read time whatever order they arrived in.
    /// </summary>
    public string? CallRowKey { get; init; }

    /// <summary>True when no schema handler knows the category (stored raw and counted as unclassified).</summary>
    public bool Unclassified { get; init; }
}
