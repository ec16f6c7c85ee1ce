namespace AcsFunctions.Drift;

/// <summary>How often something was seen from one source partition, and when (event time); <see cref="Dirty"/> until written.</summary>
internal sealed class SeenCounter
{
    public long Count { get; set; }

    public DateTimeOffset? First { get; set; }

    public DateTimeOffset? Last { get; set; }

    public bool Dirty { get; set; }

    /// <summary>Per value kind (indexed by the kind's bit), how many of <see cref="Count"/> had it; null for record counters.</summary>
    public long[]? KindCounts { get; set; }

    public void Add(long count, DateTimeOffset? first, DateTimeOffset? last)
    {
        Count += count;
        if (first is { } f && (First is null || f < First))
        {
            First = f;
        }

        if (last is { } l && (Last is null || l > Last))
        {
            Last = l;
        }

        Dirty = true;
    }

    public void AddKinds(ReadOnlySpan<long> kindCounts)
    {
        KindCounts ??= new long[ValueKindRules.KindCount];
        for (var i = 0; i < kindCounts.Length; i++)
        {
            KindCounts[i] += kindCounts[i];
        }
    }
}
