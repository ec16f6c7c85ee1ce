using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace AcsFunctions.Records;

/// <summary>
/// Lenient, read-only view of one diagnostic-settings record (the common Azure Monitor schema).
/// Field names are matched case-insensitively, first at the top level and then inside <c>properties</c>
/// (which may arrive as an object or as a JSON string). <c>"null"</c>, <c>""</c> and <c>"-"</c> mean absent;
/// <c>"Redacted"</c> means absent plus a redacted flag; numbers may arrive as strings; strings are trimmed.
/// </summary>
public sealed class DiagnosticRecord : IDisposable
{
    private JsonDocument? _propertiesDocument;
    private FieldIndex _index;
    private bool _indexed;

    /// <summary>Creates a view over <paramref name="root"/>, which must be a JSON object.</summary>
    public DiagnosticRecord(JsonElement root)
    {
        View(root);
    }

    /// <summary>An empty view, for <see cref="Reuse"/> (one per preparing thread).</summary>
    internal DiagnosticRecord()
    {
    }

    /// <summary>The record object.</summary>
    public JsonElement Root { get; private set; }

    /// <summary>The <c>properties</c> object, when there is one (parsed from a string if needed).</summary>
    public JsonElement? Properties { get; private set; }

    /// <summary>True when <c>properties</c> arrived as a JSON string holding an object.</summary>
    public bool PropertiesWasString { get; private set; }

    /// <summary>
    /// Makes this (disposed or empty) view a view over <paramref name="root"/>, exactly as a new one: the record path
    /// keeps one view per thread instead of one per record (issue 18), since nothing reads a record's view after the
    /// record (it is disposed with its document).
    /// </summary>
    internal DiagnosticRecord Reuse(JsonElement root)
    {
        Dispose(); // also forgets the properties document
        _index = default;
        _indexed = false;
        Properties = null;
        PropertiesWasString = false;
        View(root);
        return this;
    }

    private void View(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("A record must be a JSON object.", nameof(root));
        }

        Root = root;
        if (TryGetProperty(root, "properties", out var properties))
        {
            if (properties.ValueKind == JsonValueKind.Object)
            {
                Properties = properties;
            }
            else if (properties.ValueKind == JsonValueKind.String)
            {
                // Some services send properties as a JSON string; parse it when it holds an object.
                var text = ReadString(properties);
                if (!string.IsNullOrWhiteSpace(text) && text.TrimStart().StartsWith('{'))
                {
                    try
                    {
                        _propertiesDocument = JsonDocument.Parse(text);
                        Properties = _propertiesDocument.RootElement;
                        PropertiesWasString = true;
                    }
                    catch (JsonException)
                    {
                        // Kept as-is in the raw copy; no typed fields come from it.
                    }
                }
            }
        }
    }

    /// <summary>Finds the raw JSON value of the first of <paramref name="names"/> present (top level first, then properties).</summary>
    public bool TryGetRaw(out JsonElement value, params ReadOnlySpan<string> names)
    {
        // Handlers read 10-40 fields per record, most of them from properties: see FieldIndex. One pass over the
        // index finds a name at both levels; the top level of every name still wins over properties.
        if (!_indexed)
        {
            _index = new FieldIndex(Root, Properties);
            _indexed = true;
        }

        if (names.Length == 1)
        {
            _index.Find(names[0], out var top, out var nested);
            return Usable(top, out value) || Usable(nested, out value);
        }

        Span<int> nestedHits = names.Length <= 8 ? stackalloc int[names.Length] : new int[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            _index.Find(names[i], out var top, out nestedHits[i]);
            if (Usable(top, out value))
            {
                return true;
            }
        }

        foreach (var nested in nestedHits)
        {
            if (Usable(nested, out value))
            {
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>Reads a string field; numbers and booleans are returned in their JSON text form.</summary>
    public FieldValue<string> GetString(params ReadOnlySpan<string> names) =>
        TryGetRaw(out var element, names) ? StringOf(element) : FieldValue<string>.Absent;

    /// <summary>
    /// How a field is present (absent, redacted or present), as <see cref="GetString"/> would report it, without
    /// making its text: for fields that are only checked (e.g. for <c>"Redacted"</c>), not stored.
    /// </summary>
    public FieldState GetState(params ReadOnlySpan<string> names)
    {
        if (!TryGetRaw(out var element, names))
        {
            return FieldState.Absent;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            return FieldState.Present;
        }

        var raw = JsonMarshal.GetRawUtf8Value(element);
        var inner = raw.Length >= 2 ? raw[1..^1] : raw;
        if (inner.IndexOf((byte)'\\') >= 0 || !Ascii.IsValid(inner))
        {
            return ClassifyText(ReadString(element));
        }

        // Plain ASCII without escapes: the only white space string.Trim sees is the space.
        inner = inner.Trim((byte)' ');
        if (inner.Length == 0 || inner.SequenceEqual("-"u8) || Ascii.EqualsIgnoreCase(inner, "null"u8))
        {
            return FieldState.Absent;
        }

        return Ascii.EqualsIgnoreCase(inner, "Redacted"u8) ? FieldState.Redacted : FieldState.Present;
    }

    /// <summary>Reads a number that may arrive as a JSON number or a numeric string.</summary>
    public FieldValue<double> GetDouble(params ReadOnlySpan<string> names)
    {
        if (!TryGetRaw(out var element, names))
        {
            return FieldValue<double>.Absent;
        }

        if (element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out var d) && double.IsFinite(d))
        {
            return new FieldValue<double>(FieldState.Present, d, element);
        }

        if (element.ValueKind == JsonValueKind.String)
        {
            // A string that is exactly a JSON number (the common "164") is parsed from its bytes: same parser, no text.
            var raw = JsonMarshal.GetRawUtf8Value(element);
            if (raw.Length > 2 && JsonNumberText.IsJsonNumber(raw[1..^1]) &&
                double.TryParse(raw[1..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out d) && double.IsFinite(d))
            {
                return new FieldValue<double>(FieldState.Present, d, element);
            }

            var text = ReadString(element);
            var state = ClassifyText(text);
            if (state != FieldState.Present)
            {
                return new FieldValue<double>(state, default, text);
            }

            if (double.TryParse(text!.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out d) && double.IsFinite(d))
            {
                return FieldValue<double>.Of(d, text);
            }

            return FieldValue<double>.Unconvertible(text);
        }

        return new FieldValue<double>(FieldState.Present, default, element) { IsUnconvertible = true };
    }

    /// <summary>Reads a whole number that may arrive as a JSON number, a numeric string or a float with no fraction.</summary>
    public FieldValue<long> GetInt64(params ReadOnlySpan<string> names)
    {
        var d = GetDouble(names);
        if (d.State != FieldState.Present || d.IsUnconvertible)
        {
            return Retype<double, long>(d, d.State, default, d.IsUnconvertible);
        }

        if (d.Value is >= long.MinValue and <= long.MaxValue && Math.Floor(d.Value) == d.Value)
        {
            return Retype<double, long>(d, FieldState.Present, (long)d.Value, unconvertible: false);
        }

        return Retype<double, long>(d, FieldState.Present, default, unconvertible: true);
    }

    /// <summary>Reads a boolean that may arrive as a JSON boolean or as <c>"true"</c>/<c>"false"</c>.</summary>
    public FieldValue<bool> GetBoolean(params ReadOnlySpan<string> names)
    {
        if (!TryGetRaw(out var element, names))
        {
            return FieldValue<bool>.Absent;
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.True:
                return FieldValue<bool>.Of(true, "true");
            case JsonValueKind.False:
                return FieldValue<bool>.Of(false, "false");
            case JsonValueKind.String:
                var text = ReadString(element);
                var state = ClassifyText(text);
                if (state != FieldState.Present)
                {
                    return new FieldValue<bool>(state, default, text);
                }

                if (bool.TryParse(text!.Trim(), out var b))
                {
                    return FieldValue<bool>.Of(b, text);
                }

                return FieldValue<bool>.Unconvertible(text);
            default:
                return new FieldValue<bool>(FieldState.Present, default, element) { IsUnconvertible = true };
        }
    }

    /// <summary>Reads an ISO-8601 timestamp (assumed UTC when no offset is given).</summary>
    public FieldValue<DateTimeOffset> GetDateTime(params ReadOnlySpan<string> names)
    {
        if (!TryGetRaw(out var element, names))
        {
            return FieldValue<DateTimeOffset>.Absent;
        }

        // The usual form (2025-01-07T08:00:53.6401465Z) is read from its bytes; anything else goes through the text.
        if (element.ValueKind == JsonValueKind.String && JsonMarshal.GetRawUtf8Value(element) is { Length: >= 2 } quoted &&
            IsoTimestamps.TryParseUtcTicks(quoted[1..^1], out var ticks))
        {
            return new FieldValue<DateTimeOffset>(FieldState.Present, new DateTimeOffset(ticks, TimeSpan.Zero), element);
        }

        var s = StringOf(element);
        if (s.State != FieldState.Present)
        {
            return new FieldValue<DateTimeOffset>(s.State, default, s.Original);
        }

        if (TryParseTimestamp(s.Value!, out var dto))
        {
            return FieldValue<DateTimeOffset>.Of(dto, s.Original);
        }

        return FieldValue<DateTimeOffset>.Unconvertible(s.Original);
    }

    /// <summary>
    /// Parses an ISO-8601 date-time, extended (<c>2025-06-05T10:00:00.1234567Z</c>) or basic (<c>20250605T100000Z</c>);
    /// no offset means UTC. A time without a date and culture forms are refused (see <see cref="IsoTimestamps.TryParse"/>).
    /// </summary>
    public static bool TryParseTimestamp(string text, out DateTimeOffset value) =>
        IsoTimestamps.TryParse(text.AsSpan().Trim(), out value);

    /// <summary>Whether the named field holds a JSON string at the top level or in properties (used by drift detection).</summary>
    public static FieldState ClassifyText(string? text)
    {
        if (text is null)
        {
            return FieldState.Absent;
        }

        var trimmed = text.AsSpan().Trim();
        if (trimmed.Length == 0 || trimmed.SequenceEqual("-") || trimmed.Equals("null", StringComparison.OrdinalIgnoreCase))
        {
            return FieldState.Absent;
        }

        if (trimmed.Equals("Redacted", StringComparison.OrdinalIgnoreCase))
        {
            return FieldState.Redacted;
        }

        return FieldState.Present;
    }

    /// <summary>
    /// The text of a JSON string. A string JSON accepts but .NET cannot hold (an escaped lone surrogate such as
    /// <c>"\ud800"</c>) comes back as its escaped source text instead of throwing, so one odd field never fails a batch.
    /// </summary>
    public static string ReadString(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.String &&
            (ShortStrings.TryGet(element, out var shared) || RepeatedStrings.TryGet(JsonMarshal.GetRawUtf8Value(element), out shared)))
        {
            return shared;
        }

        try
        {
            return element.GetString() ?? string.Empty;
        }
        catch (InvalidOperationException)
        {
            var raw = element.GetRawText();
            return raw.Length >= 2 ? raw[1..^1] : raw;
        }
    }

    /// <summary>Case-insensitive property lookup (exact match is tried first, as it is the common case).</summary>
    public static bool TryGetProperty(JsonElement obj, string name, out JsonElement value)
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            value = default;
            return false;
        }

        if (obj.TryGetProperty(name, out value))
        {
            return true;
        }

        foreach (var property in obj.EnumerateObject())
        {
            if (JsonNames.EqualsIgnoreCase(property, name))
            {
                value = property.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>The original text of a field's value: a JSON string's text, or the JSON text of any other value.</summary>
    internal static string OriginalText(JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? ReadString(element) : element.GetRawText();

    private static FieldValue<string> StringOf(JsonElement element)
    {
        string? text = element.ValueKind switch
        {
            JsonValueKind.String => ReadString(element),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
            JsonValueKind.Object or JsonValueKind.Array => element.GetRawText(),
            _ => null,
        };
        return Classify(text, text);
    }

    private static FieldValue<TOut> Retype<TIn, TOut>(FieldValue<TIn> field, FieldState state, TOut? value, bool unconvertible) =>
        field.Source.ValueKind == JsonValueKind.Undefined
            ? new FieldValue<TOut>(state, value, field.Original) { IsUnconvertible = unconvertible }
            : new FieldValue<TOut>(state, value, field.Source) { IsUnconvertible = unconvertible };

    private bool Usable(int index, out JsonElement value)
    {
        if (index >= 0)
        {
            value = _index.ValueAt(index);
            if (value.ValueKind != JsonValueKind.Null)
            {
                return true;
            }
        }

        value = default;
        return false;
    }

    private static FieldValue<string> Classify(string? text, string? original)
    {
        var state = ClassifyText(text);
        return state == FieldState.Present
            ? FieldValue<string>.Of(text!.Trim(), original)
            : new FieldValue<string>(state, null, original);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _propertiesDocument?.Dispose();
        _propertiesDocument = null;
        _index.Dispose();
    }
}
