namespace AcsFunctions.Tests.Reliability;

/// <summary>
/// One attack on the ingestion pipeline: the bodies of one batch and what must come of them. Null expectations
/// are not asserted (the invariants — no exception, counts reconcile with each other and with the tables — always are).
/// </summary>
public sealed record BadInputCase(string Name, IReadOnlyList<byte[]> Bodies)
{
    /// <summary>Units the pipeline must count (<c>IngestResult.Records</c>).</summary>
    public int? Units { get; init; }

    /// <summary>Dead-lettered units per reason (<c>IngestResult.DeadLetteredByReason</c>); empty = none.</summary>
    public IReadOnlyDictionary<string, int>? DeadByReason { get; init; }

    /// <summary>Rows expected in the records and call-records tables (default: the stored units).</summary>
    public int? StoredRows { get; init; }

    /// <summary>Rows expected in the dead-letter table (default: the dead-lettered units).</summary>
    public int? DeadRows { get; init; }

    /// <summary>True when a payload is too large for any table entity and must be offloaded to a blob.</summary>
    public bool PayloadInBlob { get; init; }

    /// <summary>True when the single stored record's payload must read back byte for byte as sent.</summary>
    public bool RoundTrip { get; init; }

    /// <summary>Bytes under attack.</summary>
    public long InputBytes => Bodies.Sum(b => (long)b.Length);

    /// <inheritdoc />
    public override string ToString() => Name;
}
