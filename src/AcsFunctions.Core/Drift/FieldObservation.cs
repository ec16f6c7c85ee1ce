namespace AcsFunctions.Drift;

/// <summary>One field as seen in the records of one ingest batch (per category and source partition).</summary>
internal sealed class FieldObservation(string path)
{
    private readonly string?[] _examples = new string?[ValueKindRules.KindCount];
    private readonly long[] _kindCounts = new long[ValueKindRules.KindCount];

    public string Path { get; } = path;

    public ValueKinds Kinds { get; private set; }

    public long Count { get; private set; }

    /// <summary>The position (1-based, within its <see cref="CategoryObservation"/>) of the last record with the field.</summary>
    public long LastRecord { get; private set; }

    /// <summary>How many of this batch's values had each kind (indexed by the kind's bit).</summary>
    public ReadOnlySpan<long> KindCounts => _kindCounts;

    public void See(ValueKinds kind, long record, string recordId)
    {
        Count++;
        LastRecord = Math.Max(LastRecord, record);
        if (kind == ValueKinds.None)
        {
            return;
        }

        var bit = System.Numerics.BitOperations.Log2((uint)kind);
        _kindCounts[bit]++;
        if ((Kinds & kind) == 0)
        {
            Kinds |= kind;
            _examples[bit] = recordId;
        }
    }

    /// <summary>
    /// Adds <paramref name="count"/> more records with the field as <paramref name="kind"/>, the last of them at
    /// <paramref name="lastRecord"/>, when a record with that kind was already seen (its example stays).
    /// </summary>
    public void Add(ValueKinds kind, long count, long lastRecord)
    {
        Count += count;
        LastRecord = Math.Max(LastRecord, lastRecord);
        if (kind != ValueKinds.None)
        {
            _kindCounts[System.Numerics.BitOperations.Log2((uint)kind)] += count;
        }
    }

    /// <summary>The first record of this batch that had the field with one of <paramref name="kinds"/>.</summary>
    public string? ExampleOf(ValueKinds kinds)
    {
        for (var bit = 0; bit < _examples.Length; bit++)
        {
            if (((int)kinds & (1 << bit)) != 0 && _examples[bit] is { } id)
            {
                return id;
            }
        }

        return null;
    }
}
