namespace AcsFunctions.Generation;

/// <summary>Accumulates the <see cref="GenerationSummary"/> as bodies are delivered.</summary>
internal sealed class SummaryBuilder
{
    private readonly SortedDictionary<string, long> _byCategory = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> _deadByReason = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> _facts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GeneratedRecord> _latest = new(StringComparer.Ordinal);

    public long Bodies { get; private set; }

    public long Bytes { get; private set; }

    public long DuplicateBodies { get; private set; }

    public long LateBodies { get; private set; }

    public long LateRecords { get; set; }

    public long MalformedBodies { get; private set; }

    public long Units { get; private set; }

    public long DeadLetterUnits { get; private set; }

    /// <summary>Counts a delivered body (every delivery).</summary>
    public void Delivered(GeneratedBody body)
    {
        Bodies++;
        Bytes += body.Data.Length;
        Units += body.Units;
        DeadLetterUnits += body.DeadLetterUnits;
        if (body.Duplicate)
        {
            DuplicateBodies++;
        }
        else
        {
            LateBodies += body.Late ? 1 : 0;
            MalformedBodies += body.Malformation is null ? 0 : 1;
        }
    }

    /// <summary>Counts a record stored for the first time.</summary>
    public void Stored(GeneratedRecord record)
    {
        Increment(_byCategory, record.Category);
        if (record.LogicalKey is null)
        {
            foreach (var tag in record.Tags)
            {
                Increment(_facts, tag);
            }
        }
        else if (!_latest.TryGetValue(record.LogicalKey, out var current) || current.Version < record.Version)
        {
            _latest[record.LogicalKey] = record;
        }
    }

    /// <summary>Counts a distinct dead letter (first delivery only).</summary>
    public void DeadLettered(string reason) => Increment(_deadByReason, reason);

    public GenerationSummary Build()
    {
        var facts = new SortedDictionary<string, long>(_facts, StringComparer.Ordinal);
        var poorByReason = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var calls = new HashSet<string>(StringComparer.Ordinal);
        var summarised = new HashSet<string>(StringComparer.Ordinal);
        long streams = 0, poor = 0;
        foreach (var (key, record) in _latest)
        {
            calls.Add(record.CallId!);
            foreach (var tag in record.Tags)
            {
                if (tag.StartsWith("calltype:", StringComparison.Ordinal))
                {
                    if (summarised.Add(record.CallId!))
                    {
                        Increment(facts, "calls:" + tag["calltype:".Length..]);
                    }
                }
                else
                {
                    Increment(facts, tag);
                }
            }

            if (key.StartsWith("S|", StringComparison.Ordinal))
            {
                continue;
            }

            streams++;
            if (record.PoorReasons.Count > 0)
            {
                poor++;
                foreach (var reason in record.PoorReasons)
                {
                    Increment(poorByReason, reason);
                }
            }
        }

        // A call whose every summary was lost (dead-lettered) is still a call: its diagnostics are stored under its
        // call id, so the roll-up shows it, with no call type and no participants.
        if (calls.Count > summarised.Count)
        {
            facts["calls:no-summary"] = calls.Count - summarised.Count;
        }

        return new GenerationSummary
        {
            Bodies = Bodies,
            Bytes = Bytes,
            DuplicateBodies = DuplicateBodies,
            LateBodies = LateBodies,
            LateRecords = LateRecords,
            MalformedBodies = MalformedBodies,
            Units = Units,
            DeadLetterUnits = DeadLetterUnits,
            DistinctRecords = _byCategory.Values.Sum(),
            DistinctDeadLetters = _deadByReason.Values.Sum(),
            RecordsByCategory = new SortedDictionary<string, long>(_byCategory, StringComparer.Ordinal),
            DeadLettersByReason = new SortedDictionary<string, long>(_deadByReason, StringComparer.Ordinal),
            Facts = facts,
            Calls = calls.Count,
            Streams = streams,
            PoorStreams = poor,
            PoorStreamsByReason = poorByReason,
        };
    }

    private static void Increment(SortedDictionary<string, long> counts, string key) =>
        counts[key] = counts.GetValueOrDefault(key) + 1;
}
