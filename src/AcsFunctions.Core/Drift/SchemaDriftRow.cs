namespace AcsFunctions.Drift;

/// <summary>One <c>schema</c> row of the <c>drift</c> view: a detected change of a category's schema.</summary>
public sealed record SchemaDriftRow
{
    /// <summary>The canonical category.</summary>
    public required string Category { get; init; }

    /// <summary>The field path (<c>name</c> or <c>properties.Name</c>); null for a new category.</summary>
    public string? Field { get; init; }

    /// <summary>One of <see cref="DriftChange"/>: <c>new-category</c>, <c>new-field</c>, <c>field-disappeared</c>, <c>kind-changed</c>.</summary>
    public required string Change { get; init; }

    /// <summary>The kinds the field had before (a disappeared field's kinds, a kind change's old kinds).</summary>
    public string? OldKinds { get; init; }

    /// <summary>The kinds it arrived with (a new field's kinds, a kind change's new kinds).</summary>
    public string? NewKinds { get; init; }

    /// <summary>Event time of the first record that showed the change (its detection time when unknown).</summary>
    public required DateTimeOffset FirstSeen { get; init; }

    /// <summary>When ingest detected it.</summary>
    public required DateTimeOffset DetectedAt { get; init; }

    /// <summary>
    /// Records that show the change so far: a new category's records, the records with a new field, the records
    /// without a disappeared field, the values of a changed field with a new kind; null when not counted.
    /// </summary>
    public long? RecordsAffected { get; init; }

    /// <summary>What changed, in words.</summary>
    public required string Detail { get; init; }

    /// <summary>Record id of an example record, when known.</summary>
    public string? ExampleRecordId { get; init; }

    /// <summary>Where the first batch that showed it came from (file:line, or Event Hubs partition and sequence number).</summary>
    public string? Source { get; init; }
}
