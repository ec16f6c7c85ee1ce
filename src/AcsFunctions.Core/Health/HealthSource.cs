using AcsFunctions.Decoding;

namespace AcsFunctions.Health;

/// <summary>
/// The source partition a unit came from, as its lineage carries it: an Event Hubs partition id, or the file or
/// archive blob it was read from (CLI ingest, backfill).
/// </summary>
/// <param name="Type">One of <see cref="EventHub"/>, <see cref="File"/>, <see cref="None"/>.</param>
/// <param name="Name">The partition id, the file path / <c>container/blob</c> name, or <c>-</c>.</param>
public readonly record struct HealthSource(string Type, string Name)
{
    /// <summary>An Event Hubs partition.</summary>
    public const string EventHub = "eventhub";

    /// <summary>A file or archive blob.</summary>
    public const string File = "file";

    /// <summary>No lineage.</summary>
    public const string None = "none";

    /// <summary>The source of a lineage.</summary>
    public static HealthSource Of(Lineage lineage) =>
        lineage.PartitionId is { } partition ? new(EventHub, partition)
        : lineage.File is { } file ? new(File, file)
        : new(None, "-");
}

/// <summary>One health row's identity inside an ingest hour: category × source partition.</summary>
/// <param name="Category">The canonical category, or <see cref="HealthKey.UnknownCategory"/>.</param>
/// <param name="Source">Where the units came from.</param>
public readonly record struct HealthKey(string Category, HealthSource Source)
{
    /// <summary>The category of units dead-lettered before their category was known (e.g. invalid JSON).</summary>
    public const string UnknownCategory = "(unknown)";
}
