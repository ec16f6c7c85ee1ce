namespace AcsFunctions.Drift;

/// <summary>One field of a category as known so far: its kinds and per-partition counts.</summary>
internal sealed class FieldSchema(string path)
{
    public string Path { get; } = path;

    public ValueKinds Kinds { get; set; }

    public Dictionary<string, SeenCounter> ByPartition { get; } = new(StringComparer.Ordinal);

    public long Count => ByPartition.Values.Sum(c => c.Count);

    public SeenCounter For(string partition)
    {
        if (!ByPartition.TryGetValue(partition, out var counter))
        {
            ByPartition[partition] = counter = new SeenCounter();
        }

        return counter;
    }
}
