using AcsFunctions.Retention;

namespace AcsFunctions.Health;

/// <summary>
/// One row of <c>health</c>, view <c>retention</c>: the oldest row a table (tier) keeps now against its retention setting.
/// <see cref="OldestRow"/> before <see cref="Cutoff"/> means retention is behind (it continues on the next timer run) or
/// the roll-up still needs the rows (a pending mark, or an hour/day row not written yet).
/// </summary>
public sealed record HealthRetentionRow
{
    /// <summary>The logical table (without the configured prefix).</summary>
    public required string Table { get; init; }

    /// <summary><c>minute</c>, <c>hour</c>, <c>day</c> (aggregate tiers), <c>calls</c> (per-call rows) or <c>rows</c>.</summary>
    public required string Tier { get; init; }

    /// <summary>The setting, <c>AcsFunctions:Retention:&lt;setting&gt;</c>.</summary>
    public required string Setting { get; init; }

    /// <summary>The setting in days.</summary>
    public double RetentionDays { get; init; }

    /// <summary>Partitions starting before this time are deleted by the next retention run.</summary>
    public DateTimeOffset Cutoff { get; init; }

    /// <summary>The time of the oldest partition kept (event minute, call start, hour, day, enqueued day or ingest hour); null when the table is empty.</summary>
    public DateTimeOffset? OldestRow { get; init; }

    /// <summary>Days from <see cref="OldestRow"/> to now.</summary>
    public double? OldestRowAgeDays { get; init; }

    /// <summary>The oldest row is older than the cutoff (retention behind, or rows the roll-up still needs).</summary>
    public bool Overdue { get; init; }

    internal static HealthRetentionRow From(RetentionStatus status, DateTimeOffset now) => new()
    {
        Table = status.Table,
        Tier = status.Tier,
        Setting = status.Setting,
        RetentionDays = status.RetentionDays,
        Cutoff = status.Cutoff,
        OldestRow = status.OldestRow,
        OldestRowAgeDays = status.OldestRow is { } oldest ? Queries.QueryJson.Round((now - oldest).TotalDays) : null,
        Overdue = status.OldestRow < status.Cutoff,
    };
}
