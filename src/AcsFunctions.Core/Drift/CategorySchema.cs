namespace AcsFunctions.Drift;

/// <summary>The known signature of one category (loaded once from <c>SchemaFields</c>, then kept in memory).</summary>
internal sealed class CategorySchema(string category, bool known)
{
    public string Category { get; } = category;

    /// <summary>False until the category's first records were written (a new category).</summary>
    public bool Known { get; set; } = known;

    public Dictionary<string, FieldSchema> Fields { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, SeenCounter> RecordsByPartition { get; } = new(StringComparer.Ordinal);

    public long Records => RecordsByPartition.Values.Sum(c => c.Count);

    public DateTimeOffset LastWritten { get; set; } = DateTimeOffset.MinValue;

    public SeenCounter RecordsFor(string partition)
    {
        if (!RecordsByPartition.TryGetValue(partition, out var counter))
        {
            RecordsByPartition[partition] = counter = new SeenCounter();
        }

        return counter;
    }

    public FieldSchema Field(string path)
    {
        if (!Fields.TryGetValue(path, out var field))
        {
            Fields[path] = field = new FieldSchema(path);
        }

        return field;
    }
}
