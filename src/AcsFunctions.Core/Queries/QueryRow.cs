using System.Text.Json.Serialization;

namespace AcsFunctions.Queries;

/// <summary>
/// The base of every aggregate query row: <see cref="Incomplete"/> is <c>true</c> when a roll-up of the row's window
/// is pending or was interrupted (a mark, possibly leased by a run that died, covers a minute of the row), so the
/// values may still change; it is omitted from the JSON when the row is final.
/// </summary>
public abstract record QueryRow
{
    /// <summary>True when the row's window still has roll-up work pending; absent (null) when the row is final.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Incomplete { get; init; }

    /// <summary>The start of the row's window (for a call, the minute of its start).</summary>
    internal abstract DateTimeOffset FlagWindow { get; }

    /// <summary>A copy flagged incomplete.</summary>
    internal QueryRow AsIncomplete() => this with { Incomplete = true };
}
