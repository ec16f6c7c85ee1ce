namespace AcsFunctions.Retention;

/// <summary>The oldest row a table (tier) keeps, against its setting: the <c>retention</c> view of the <c>health</c> query.</summary>
/// <param name="Table">The logical table.</param>
/// <param name="Tier"><c>minute</c>, <c>hour</c>, <c>day</c>, <c>calls</c> or <c>rows</c>.</param>
/// <param name="Setting">The setting (<c>AcsFunctions:Retention:&lt;Setting&gt;</c>).</param>
/// <param name="RetentionDays">Its value in days.</param>
/// <param name="Cutoff">Partitions before this go.</param>
/// <param name="OldestRow">The time of the oldest partition kept (null: the table holds no rows).</param>
public sealed record RetentionStatus(string Table, string Tier, string Setting, double RetentionDays, DateTimeOffset Cutoff, DateTimeOffset? OldestRow);
