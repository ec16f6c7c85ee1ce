namespace AcsFunctions.Drift;

/// <summary>One <c>schema</c> row of the <c>fields</c> view: a field of a category as seen so far (all source partitions).</summary>
public sealed record SchemaFieldRow
{
    /// <summary>The canonical category.</summary>
    public required string Category { get; init; }

    /// <summary>The field path (<c>name</c> or <c>properties.Name</c>).</summary>
    public required string Field { get; init; }

    /// <summary>Every value kind seen (<c>string, number, numeric-string, boolean, boolean-string, object, array</c>; <c>none</c> when only null).</summary>
    public required string Kinds { get; init; }

    /// <summary>How many values had each kind (null, <c>"null"</c> and <c>""</c> count for none); null when not counted.</summary>
    public IReadOnlyDictionary<string, long>? KindCounts { get; init; }

    /// <summary>Records that had the field (all time).</summary>
    public required long Count { get; init; }

    /// <summary>Records of the category (all time): <see cref="Count"/> less than this means some records lack the field.</summary>
    public required long CategoryRecords { get; init; }

    /// <summary>Event time of the first record with the field.</summary>
    public DateTimeOffset? FirstSeen { get; init; }

    /// <summary>Event time of the last record with the field.</summary>
    public DateTimeOffset? LastSeen { get; init; }
}
