namespace AcsFunctions.Drift;

/// <summary>One field of a category as known so far: its kinds and per-partition counts.</summary>
internal sealed class FieldSchema(string path)
{
    public string Path { get; } = path;

    public ValueKinds Kinds { get; set; }

    public Dictionary<string, SeenCounter> ByPartition { get; } = new(StringComparer.Ordinal);

    public long Count => ByPartition.Values.Sum(c => c.Count);

    /// <summary>The latest event time of a record with the field.</summary>
    public DateTimeOffset? LastSeen => ByPartition.Values.Max(c => c.Last);

    /// <summary>Records of the category committed since the last one with the field (in this process; 0 after a load).</summary>
    public long AbsentRun { get; set; }

    /// <summary>
    /// The latest event time of the batches of the current run that had no record with the field at all (null when
    /// the run began in a batch that still had the field).
    /// </summary>
    public DateTimeOffset? AbsentUntil { get; set; }

    /// <summary>Reported as disappeared (in this process).</summary>
    public bool DisappearanceReported { get; set; }

    public SeenCounter For(string partition)
    {
        if (!ByPartition.TryGetValue(partition, out var counter))
        {
            ByPartition[partition] = counter = new SeenCounter();
        }

        return counter;
    }
}
