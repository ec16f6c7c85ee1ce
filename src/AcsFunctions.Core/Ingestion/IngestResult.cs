namespace AcsFunctions.Ingestion;

/// <summary>
/// What one ingest call did. <c>Records = Stored + Unclassified + DeadLettered</c> always holds; a body or
/// NDJSON line that cannot be decoded at all counts as one dead-lettered record.
/// </summary>
public sealed record IngestResult
{
    /// <summary>
    /// Event bodies received: an event, a file holding one document, or one non-blank line of NDJSON (a file read in
    /// chunks counts its lines, not its chunks).
    /// </summary>
    public int Bodies { get; init; }

    /// <summary>Records found (plus undecodable units, each counted once).</summary>
    public int Records { get; init; }

    /// <summary>Records stored as typed rows by a schema handler.</summary>
    public int Stored { get; init; }

    /// <summary>Records of categories without a schema handler, stored raw.</summary>
    public int Unclassified { get; init; }

    /// <summary>Units written to the dead-letter table.</summary>
    public int DeadLettered { get; init; }

    /// <summary>Stored + unclassified records per (canonical) category.</summary>
    public IReadOnlyDictionary<string, int> ByCategory { get; init; } = new Dictionary<string, int>();

    /// <summary>Dead letters per reason.</summary>
    public IReadOnlyDictionary<string, int> DeadLetteredByReason { get; init; } = new Dictionary<string, int>();

    /// <summary>True when the counts reconcile.</summary>
    public bool Reconciles => Records == Stored + Unclassified + DeadLettered;

    /// <summary>Adds two results (for multi-chunk ingests).</summary>
    public IngestResult Add(IngestResult other) => new()
    {
        Bodies = Bodies + other.Bodies,
        Records = Records + other.Records,
        Stored = Stored + other.Stored,
        Unclassified = Unclassified + other.Unclassified,
        DeadLettered = DeadLettered + other.DeadLettered,
        ByCategory = Merge(ByCategory, other.ByCategory),
        DeadLetteredByReason = Merge(DeadLetteredByReason, other.DeadLetteredByReason),
    };

    private static SortedDictionary<string, int> Merge(IReadOnlyDictionary<string, int> a, IReadOnlyDictionary<string, int> b)
    {
        var merged = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (k, v) in a)
        {
            merged[k] = v;
        }

        foreach (var (k, v) in b)
        {
            merged[k] = merged.GetValueOrDefault(k) + v;
        }

        return merged;
    }
}
