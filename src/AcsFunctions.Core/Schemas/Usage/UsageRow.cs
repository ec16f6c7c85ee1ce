using AcsFunctions.Queries;

namespace AcsFunctions.Schemas.Usage;

/// <summary>One <c>usage</c> row: usage records and summed quantity per (window, usage type, unit).</summary>
public sealed record UsageRow : QueryRow
{
    /// <inheritdoc />
    internal override DateTimeOffset FlagWindow => WindowStart;

    /// <summary>Start of the window (UTC).</summary>
    public required DateTimeOffset WindowStart { get; init; }

    /// <summary>The ACS resource id.</summary>
    public required string ResourceId { get; init; }

    /// <summary>The ACS resource name.</summary>
    public required string ResourceName { get; init; }

    /// <summary>Usage type (Audio, Chat, PSTN, …).</summary>
    public string? UsageType { get; init; }

    /// <summary>Unit (minutes, messages, …).</summary>
    public string? UnitType { get; init; }

    /// <summary>Usage records.</summary>
    public long Records { get; init; }

    /// <summary>Summed quantity.</summary>
    public double Quantity { get; init; }
}
