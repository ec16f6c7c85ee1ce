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

    /// <summary>API-request aggregates per (minute window, resource, category, operation, status code).</summary>
    public const string AggApiRequests = "AggApiRequests";

    /// <summary>One aggregate row per call, partitioned by the minute window of the call start.</summary>
    public const string AggCalls = "AggCalls";

    /// <summary>Where each call's aggregate row currently is (its call-start window).</summary>
    public const string AggCallIndex = "AggCallIndex";

    /// <summary>Call volume per (minute window of call start, resource).</summary>
    public const string AggCallWindows = "AggCallWindows";

    /// <summary>Stream quality per (minute window of call start, resource, media type, direction, transport).</summary>
    public const string AggStreamQuality = "AggStreamQuality";

    /// <summary>Email delivery per (minute window, resource, sender domain, delivery status, hard bounce, SMTP code).</summary>
    public const string AggEmailDelivery = "AggEmailDelivery";

    /// <summary>Email engagement per (minute window, resource, engagement type).</summary>
    public const string AggEmailEngagement = "AggEmailEngagement";

    /// <summary>Usage quantity per (minute window, resource, usage type, unit).</summary>
    public const string AggUsage = "AggUsage";

    /// <summary>
    /// The table holding the pages of a windowed aggregate table (its hourly and daily rows packed per day; see
    /// <c>Rollups.CoarsePages</c>): the aggregate table's name followed by <c>Pages</c>, e.g. <c>AggApiRequestsPages</c>.
    /// </summary>
    public static string PagesOf(string aggregateTable) => aggregateTable + "Pages";
}
