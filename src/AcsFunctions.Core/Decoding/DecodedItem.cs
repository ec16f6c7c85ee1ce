using System.Text.Json;

namespace AcsFunctions.Decoding;

/// <summary>One unit out of a body: either a record (a JSON object to dispatch) or a dead letter.</summary>
public readonly struct DecodedItem
{
    private DecodedItem(JsonElement record, DeadLetter? deadLetter, Lineage lineage)
    {
        Record = record;
        DeadLetter = deadLetter;
        Lineage = lineage;
    }

    /// <summary>The record object (valid only when <see cref="DeadLetter"/> is null).</summary>
    public JsonElement Record { get; }

    /// <summary>Set when this unit could not be decoded into a record.</summary>
    public DeadLetter? DeadLetter { get; }

    /// <summary>Where the unit came from (with the NDJSON line where known).</summary>
    public Lineage Lineage { get; }

    /// <summary>A decoded record.</summary>
    public static DecodedItem ForRecord(JsonElement record, Lineage lineage) => new(record, null, lineage);

    /// <summary>A dead unit.</summary>
    public static DecodedItem ForDeadLetter(DeadLetter deadLetter) => new(default, deadLetter, deadLetter.Lineage);
}
