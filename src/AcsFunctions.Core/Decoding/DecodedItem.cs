using System.Text.Json;

namespace AcsFunctions.Decoding;

/// <summary>
/// One unit out of a body: either a record (a JSON object to dispatch) or a dead letter. A record split out of its
/// body by a reader scan carries only its bytes (<see cref="Utf8"/>), parsed once by whoever processes it; one from a
/// parsed body carries its element.
/// </summary>
public readonly struct DecodedItem
{
    private readonly JsonElement _record;

    private DecodedItem(JsonElement record, ReadOnlyMemory<byte> utf8, DeadLetter? deadLetter, Lineage lineage, string? category = null)
    {
        _record = record;
        Category = category;
        Utf8 = utf8;
        DeadLetter = deadLetter;
        Lineage = lineage;
    }

    /// <summary>
    /// The record object (valid only when <see cref="DeadLetter"/> is null). For a record known by its bytes only, each
    /// read parses them into an element of its own: the ingest path reads <see cref="Utf8"/> instead.
    /// </summary>
    public JsonElement Record
    {
        get
        {
            if (_record.ValueKind != JsonValueKind.Undefined || Utf8.IsEmpty)
            {
                return _record;
            }

            var reader = new Utf8JsonReader(Utf8.Span);
            return JsonElement.ParseValue(ref reader);
        }
    }

    /// <summary>The record's UTF-8 JSON text when it was split out of its body without a document; else empty.</summary>
    public ReadOnlyMemory<byte> Utf8 { get; }

    /// <summary>
    /// The canonical category of a record known by its bytes (<c>Categories.OfRecord</c>), read while it was split out;
    /// null when not known (the record is then parsed to find it).
    /// </summary>
    public string? Category { get; }

    /// <summary>Set when this unit could not be decoded into a record.</summary>
    public DeadLetter? DeadLetter { get; }

    /// <summary>Where the unit came from (with the NDJSON line where known).</summary>
    public Lineage Lineage { get; }

    /// <summary>A decoded record.</summary>
    public static DecodedItem ForRecord(JsonElement record, Lineage lineage) => new(record, default, lineage: lineage, deadLetter: null);

    /// <summary>A record known by its UTF-8 text (one valid JSON object, split out of a body that was validated whole).</summary>
    public static DecodedItem ForRecord(ReadOnlyMemory<byte> utf8, Lineage lineage) => new(default, utf8, null, lineage);

    /// <summary>A record known by its UTF-8 text and, when not null, its canonical category.</summary>
    internal static DecodedItem ForRecord(ReadOnlyMemory<byte> utf8, string? category, Lineage lineage) => new(default, utf8, null, lineage, category);

    /// <summary>A dead unit.</summary>
    public static DecodedItem ForDeadLetter(DeadLetter deadLetter) => new(default, default, deadLetter, deadLetter.Lineage);
}
