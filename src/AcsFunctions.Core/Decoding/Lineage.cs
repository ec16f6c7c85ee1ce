namespace AcsFunctions.Decoding;

/// <summary>
/// Where an event body came from: an Event Hubs partition position, or a file (or blob) and line.
/// Stored with every record and dead letter so any row can be traced to its source.
/// </summary>
public sealed record Lineage
{
    /// <summary>No lineage known.</summary>
    public static Lineage None { get; } = new();

    /// <summary>Event Hubs partition id.</summary>
    public string? PartitionId { get; init; }

    /// <summary>Event Hubs sequence number.</summary>
    public long? SequenceNumber { get; init; }

    /// <summary>Event Hubs offset (opaque).</summary>
    public string? Offset { get; init; }

    /// <summary>When Event Hubs enqueued the event.</summary>
    public DateTimeOffset? EnqueuedTime { get; init; }

    /// <summary>File path or blob name the body was read from.</summary>
    public string? File { get; init; }

    /// <summary>1-based line number within <see cref="File"/> (NDJSON / PT1H.json), when known.</summary>
    public long? Line { get; init; }

    /// <summary>A compact human-readable description, e.g. <c>partition 3 seq 1200</c> or <c>PT1H.json:42</c>.</summary>
    public override string ToString()
    {
        if (File is not null)
        {
            return Line is { } line ? $"{File}:{line}" : File;
        }

        if (PartitionId is not null || SequenceNumber is not null)
        {
            return $"partition {PartitionId ?? "?"} seq {SequenceNumber?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}";
        }

        return "(unknown source)";
    }
}
