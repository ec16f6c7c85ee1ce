using System.Text.Json;

namespace AcsFunctions.Rollups;

/// <summary>Counts per poor-stream reason (ordinal order), stored as a JSON object column, merged by addition.</summary>
public sealed class ReasonCounts
{
    private readonly SortedDictionary<string, long> _counts = new(StringComparer.Ordinal);

    /// <summary>The counts, by reason.</summary>
    public IReadOnlyDictionary<string, long> Counts => _counts;

    /// <summary>Adds each reason of a comma-separated list (as the handlers store <c>PoorReasons</c>).</summary>
    public void AddList(string? reasons)
    {
        if (string.IsNullOrWhiteSpace(reasons))
        {
            return;
        }

        foreach (var reason in reasons.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            Add(reason, 1);
        }
    }

    /// <summary>Adds <paramref name="count"/> to <paramref name="reason"/>.</summary>
    public void Add(string reason, long count) => _counts[reason] = _counts.GetValueOrDefault(reason) + count;

    /// <summary>Adds every count of <paramref name="other"/>.</summary>
    public void Merge(ReasonCounts other)
    {
        foreach (var (reason, count) in other._counts)
        {
            Add(reason, count);
        }
    }

    /// <summary>The JSON object form (<c>{"jitter":2}</c>).</summary>
    public string ToJson() => JsonSerializer.Serialize(_counts);

    /// <summary>Parses the JSON object form (absent or malformed → empty).</summary>
    public static ReasonCounts FromJson(string? json)
    {
        var counts = new ReasonCounts();
        if (string.IsNullOrWhiteSpace(json))
        {
            return counts;
        }

        try
        {
            foreach (var (reason, count) in JsonSerializer.Deserialize<Dictionary<string, long>>(json) ?? [])
            {
                counts.Add(reason, count);
            }
        }
        catch (JsonException)
        {
            // A damaged column reads as no reasons; the next recompute rewrites it.
        }

        return counts;
    }

    /// <summary>Writes the compact binary form.</summary>
    public void Write(CompactWriter writer)
    {
        writer.WriteVarUInt((ulong)_counts.Count);
        foreach (var (reason, count) in _counts)
        {
            writer.WriteString(reason);
            writer.WriteVarUInt((ulong)count);
        }
    }

    /// <summary>Reads the compact binary form.</summary>
    /// <exception cref="FormatException">Malformed input.</exception>
    public static ReasonCounts Read(ref CompactReader reader)
    {
        var counts = new ReasonCounts();
        var n = reader.ReadCount();
        for (var i = 0; i < n; i++)
        {
            var reason = reader.ReadString();
            counts.Add(reason, (long)reader.ReadVarUInt());
        }

        return counts;
    }

    /// <summary>A copy as a plain dictionary (for JSON rows).</summary>
    public SortedDictionary<string, long> ToDictionary() => new(_counts, StringComparer.Ordinal);
}
