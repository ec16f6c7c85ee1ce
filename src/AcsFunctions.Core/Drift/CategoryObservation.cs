using System.Text.Json;
using AcsFunctions.Decoding;
using AcsFunctions.Dispatch;
using AcsFunctions.Records;

namespace AcsFunctions.Drift;

/// <summary>
/// What one ingest batch saw of one category from one source partition. Cheap per record: a record whose shape
/// (<see cref="RecordShapes"/>) is known only counts one more of that shape — how many, the first and the last of
/// them. The shapes become fields when they are read (<see cref="Fields"/>, <see cref="Find"/>: the batch's commit,
/// not its preparation), with exactly the figures counting every member of every record in order gives: fields in the
/// order they first appeared, counts, kinds, the last record with each field and the first record with each kind.
/// </summary>
internal sealed class CategoryObservation(string category, string partition, RecordShapes? shapes = null)
{
    private readonly RecordShapes.Category? _shapes = shapes?.For(category);

    /// <summary>The <c>properties</c> member's children are reported as <c>properties.Name</c>.</summary>
    public const string PropertiesPrefix = "properties.";

    // Made when first needed: a batch prepared on several threads has an observation per category, source and part.
    private Dictionary<string, FieldObservation>? _top;
    private Dictionary<string, FieldObservation>? _properties;

    /// <summary>The shapes seen since the fields were last brought up to date, in the order each first appeared.</summary>
    private List<ShapeRecords>? _unsettled;
    private Dictionary<RecordShape, ShapeRecords>? _byShape;
    private ShapeRecords? _last;

    public string Category { get; } = category;

    public string Partition { get; } = partition;

    public long Records { get; private set; }

    public DateTimeOffset? First { get; private set; }

    public DateTimeOffset? Last { get; private set; }

    public Lineage? ExampleSource { get; private set; }

    public IEnumerable<FieldObservation> Fields
    {
        get
        {
            Settle();
            return Top.Values.Concat(Properties.Values);
        }
    }

    private Dictionary<string, FieldObservation> Top => _top ??= new(StringComparer.OrdinalIgnoreCase);

    private Dictionary<string, FieldObservation> Properties => _properties ??= new(StringComparer.OrdinalIgnoreCase);

    public void See(RecordContext context)
    {
        Records++;
        ExampleSource ??= context.Lineage;
        if (First is null || context.Time < First)
        {
            First = context.Time;
        }

        if (Last is null || context.Time > Last)
        {
            Last = context.Time;
        }

        if (_shapes?.Of(context.Record, _last?.Shape) is { } shape)
        {
            Count(shape, context.RecordId);
            return;
        }

        // Counted member by member, after every record before it.
        Settle();
        var record = context.Record;
        if (record.Root.ValueKind == JsonValueKind.Object)
        {
            Span<char> buffer = stackalloc char[JsonNames.StackLimit];
            foreach (var member in record.Root.EnumerateObject())
            {
                // Names are matched case-insensitively (data contract): "Properties" is the properties member, not a new field.
                if (!JsonNames.Decode(member, buffer).Equals("properties", StringComparison.OrdinalIgnoreCase))
                {
                    Observe(Top, member, string.Empty, Records, context.RecordId);
                }
            }
        }

        if (record.Properties is { ValueKind: JsonValueKind.Object } properties)
        {
            foreach (var member in properties.EnumerateObject())
            {
                Observe(Properties, member, PropertiesPrefix, Records, context.RecordId);
            }
        }
    }

    /// <summary>The field with this path (as <see cref="FieldObservation.Path"/>, any casing), if a record had it.</summary>
    public FieldObservation? Find(string path)
    {
        Settle();
        return path.StartsWith(PropertiesPrefix, StringComparison.OrdinalIgnoreCase) && Properties.TryGetValue(path[PropertiesPrefix.Length..], out var field)
            ? field
            : Top.GetValueOrDefault(path);
    }

    private void Count(RecordShape shape, string recordId)
    {
        var records = _last;
        if (records is null || !ReferenceEquals(records.Shape, shape))
        {
            _byShape ??= new(ReferenceEqualityComparer.Instance);
            if (!_byShape.TryGetValue(shape, out records))
            {
                _byShape[shape] = records = new ShapeRecords(shape, Records, recordId);
            }

            _last = records;
        }

        if (records.Count == 0)
        {
            (_unsettled ??= []).Add(records);
        }

        records.Count++;
        records.LastRecord = Records;
    }

    /// <summary>
    /// Adds the records counted by shape to their fields, shapes in the order they first appeared (so fields are created,
    /// and each kind's first record is found, as counting every record in order would).
    /// </summary>
    private void Settle()
    {
        if (_unsettled is not { Count: > 0 })
        {
            return;
        }

        foreach (var records in _unsettled)
        {
            var shape = records.Shape;
            var entries = shape.Names.Fields;
            records.Fields ??= new FieldObservation[entries.Length];
            for (var i = 0; i < entries.Length; i++)
            {
                ref readonly var entry = ref entries[i];
                var kind = shape.KindOf(entry);
                var field = records.Fields[i];
                if (field is null)
                {
                    var map = entry.InProperties ? Properties : Top;
                    if (!map.TryGetValue(entry.Name, out field))
                    {
                        map[entry.Name] = field = new FieldObservation(entry.Path);
                    }

                    // The shape's first record, counted as itself: it may bring the field or a kind of it first.
                    field.See(kind, records.FirstRecord, records.FirstRecordId);
                    field.Add(kind, records.Count - 1, records.LastRecord);
                    records.Fields[i] = field;
                }
                else
                {
                    field.Add(kind, records.Count, records.LastRecord);
                }
            }

            records.Count = 0;
        }

        _unsettled.Clear();
    }

    private static void Observe(Dictionary<string, FieldObservation> fields, JsonProperty member, string prefix, long record, string recordId)
    {
        Span<char> buffer = stackalloc char[JsonNames.StackLimit];
        var name = JsonNames.Decode(member, buffer);
        if (!fields.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out var field))
        {
            var text = name.ToString();
            fields[text] = field = new FieldObservation(prefix + text);
        }

        field.See(ValueKindRules.Classify(member.Value), record, recordId);
    }

    /// <summary>The records of one shape not yet added to their fields; its fields once resolved.</summary>
    private sealed class ShapeRecords(RecordShape shape, long firstRecord, string firstRecordId)
    {
        public RecordShape Shape { get; } = shape;

        public long FirstRecord { get; } = firstRecord;

        public string FirstRecordId { get; } = firstRecordId;

        public FieldObservation?[]? Fields { get; set; }

        public long Count { get; set; }

        public long LastRecord { get; set; }
    }
}
