namespace AcsFunctions.Storage;

/// <summary>Logical table names (the physical name is the configured prefix + this).</summary>
public static class TableNames
{
    /// <summary>Records of every non-call category, partitioned by (minute window, resource, category).</summary>
    public const string Records = "Records";

    /// <summary>CallSummary/CallDiagnostics (+Updates) records, partitioned by (resource, correlation id).</summary>
    public const string CallRecords = "CallRecords";

    /// <summary>Bodies, lines and records that could not be stored as typed rows, with reason and lineage.</summary>
    public const string DeadLetters = "DeadLetters";

    /// <summary>Roll-up marks: windows and calls changed by ingest and not yet rolled up.</summary>
    public const string RollupPending = "RollupPending";
}
