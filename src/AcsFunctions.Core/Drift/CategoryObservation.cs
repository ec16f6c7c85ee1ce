using System.Text.Json;
using AcsFunctions.Decoding;
using AcsFunctions.Dispatch;
using AcsFunctions.Records;

namespace AcsFunctions.Drift;

/// <summary>What one ingest batch saw of one category from one source partition (cheap per record: dictionary updates).</summary>
internal sealed class CategoryObservation(string category, string partition)
{
    /// <summary>The <c>properties</c> member's children are reported as <c>properties.Name</c>.</summary>
    public const string PropertiesPrefix = "properties.";

    private readonly Dictionary<string, FieldObservation> _top = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, FieldObservation> _properties = new(StringComparer.OrdinalIgnoreCase);

    public string Category { get; } = category;

    public string Partition { get; } = partition;

    public long Records { get; private set; }

    public DateTimeOffset? First { get; private set; }

    public DateTimeOffset? Last { get; private set; }

    public Lineage? ExampleSource { get; private set; }

    public IEnumerable<FieldObservation> Fields => _top.Values.Concat(_properties.Values);

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

        var record = context.Record;
        if (record.Root.ValueKind == JsonValueKind.Object)
        {
            Span<char> buffer = stackalloc char[JsonNames.StackLimit];
            foreach (var member in record.Root.EnumerateObject())
            {
                // Names are matched case-insensitively (data contract): "Properties" is the properties member, not a new field.
                if (!JsonNames.Decode(member, buffer).Equals("properties", StringComparison.OrdinalIgnoreCase))
                {
                    Observe(_top, member, string.Empty, Records, context.RecordId);
                }
            }
        }

        if (record.Properties is { ValueKind: JsonValueKind.Object } properties)
        {
            foreach (var member in properties.EnumerateObject())
            {
                Observe(_properties, member, PropertiesPrefix, Records, context.RecordId);
            }
        }
    }

    /// <summary>The field with this path (as <see cref="FieldObservation.Path"/>, any casing), if a record had it.</summary>
    public FieldObservation? Find(string path) =>
        path.StartsWith(PropertiesPrefix, StringComparison.OrdinalIgnoreCase) && _properties.TryGetValue(path[PropertiesPrefix.Length..], out var field)
            ? field
            : _top.GetValueOrDefault(path);

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
}
