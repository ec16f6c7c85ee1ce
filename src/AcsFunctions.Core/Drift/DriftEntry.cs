namespace AcsFunctions.Drift;

/// <summary>One detected schema change (a row of <c>SchemaDrift</c>).</summary>
public sealed record DriftEntry
{
    /// <summary>The canonical category.</summary>
    public required string Category { get; init; }

    /// <summary>One of <see cref="DriftChange"/>.</summary>
    public required string Change { get; init; }

    /// <summary>The field path (<c>name</c> or <c>properties.Name</c>); null for a new category.</summary>
    public string? Field { get; init; }

    /// <summary>What changed, e.g. <c>number → string</c> or the kinds of a new field.</summary>
    public required string Detail { get; init; }

    /// <summary>The kinds the field had before (<see cref="ValueKindRules.Format"/>; a disappeared field's kinds, a kind change's old kinds).</summary>
    public string? OldKinds { get; init; }

    /// <summary>The kinds it arrived with (a new field's kinds, a kind change's new kinds).</summary>
    public string? NewKinds { get; init; }

    /// <summary>What makes the change unique besides category, change and field (the new kinds of a kind change).</summary>
    public string Discriminator { get; init; } = string.Empty;

    /// <summary>When this host detected it (ingest time).</summary>
    public required DateTimeOffset DetectedAt { get; init; }

    /// <summary>Event time of the first record that showed it (in its batch).</summary>
    public DateTimeOffset? EventTime { get; init; }

    /// <summary>Record id of an example record, when known.</summary>
    public string? ExampleRecordId { get; init; }

    /// <summary>Lineage of the batch's first record of the category (where to look).</summary>
    public string? Source { get; init; }
}
