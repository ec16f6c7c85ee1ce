using AcsFunctions.Storage;

namespace AcsFunctions.Rollups;

/// <summary>The PartitionKeys of <see cref="TableNames.RollupPending"/>, in the order a run processes them.</summary>
public static class RollupMarkKinds
{
    /// <summary>A windowed record partition changed (written by ingest).</summary>
    public const string Window = RollupMarks.WindowKind;

    /// <summary>A call partition changed (written by ingest).</summary>
    public const string Call = RollupMarks.CallKind;

    /// <summary>A call-start window's calls changed (written by the roll-up of a call mark).</summary>
    public const string CallWindow = "callwindow";

    /// <summary>An hour of one aggregate table changed (written by the window roll-ups before they change its minutes).</summary>
    public const string Hour = "hour";

    /// <summary>A day of one aggregate table changed (written by the hour roll-up before it changes the day's hours).</summary>
    public const string Day = "day";

    /// <summary>
    /// Late data for an hour (or day) of one aggregate table that could not be added exactly — retention had deleted the
    /// rows below it and its raw rows — so the period kept its rows as they were (written by the hour/day roll-up, key as
    /// an hour or day mark; never processed; counted as backlog by <c>query health</c>; see docs/retention.md).
    /// </summary>
    public const string Late = "late";

    /// <summary>Lease columns: who owns a claimed mark, and until when.</summary>
    public const string LeaseOwner = "LeaseOwner";

    /// <summary>See <see cref="LeaseOwner"/>.</summary>
    public const string LeaseUntil = "LeaseUntil";
}
