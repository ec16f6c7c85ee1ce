using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace AcsFunctions.Drift;

/// <summary>Classifies JSON values into <see cref="ValueKinds"/> and decides which kinds are a real change.</summary>
public static class ValueKindRules
{
    private static readonly (ValueKinds Kind, string Name)[] _names =
    [
        (ValueKinds.String, "string"), (ValueKinds.Number, "number"), (ValueKinds.NumericString, "numeric-string"),
        (ValueKinds.Boolean, "boolean"), (ValueKinds.BooleanString, "boolean-string"), (ValueKinds.Object, "object"),
        (ValueKinds.Array, "array"),
    ];

    /// <summary>The kind of one value (no allocation for non-strings).</summary>
    public static ValueKinds Classify(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                return ValueKinds.Number;
            case JsonValueKind.True:
            case JsonValueKind.False:
                return ValueKinds.Boolean;
            case JsonValueKind.Object:
                return ValueKinds.Object;
            case JsonValueKind.Array:
                return ValueKinds.Array;
            case JsonValueKind.String:
                return ClassifyString(value);
            default:
                return ValueKinds.None;
        }
    }

    /// <summary>
    /// The kinds in <paramref name="seen"/> that <paramref name="known"/> does not already cover: a numeric string is
    /// covered by a number or a string, a number by a numeric string (likewise booleans); text where only numbers
    /// (or numeric strings) were seen, or any other new kind, is a change.
    /// </summary>
    public static ValueKinds Uncovered(ValueKinds known, ValueKinds seen)
    {
        var result = ValueKinds.None;
        foreach (var (kind, _) in _names)
        {
            if ((seen & kind) != 0 && (Compatible(kind) & known) == 0)
            {
                result |= kind;
            }
        }

        return result;
    }

    /// <summary>"number, string" (in a fixed order); "none" when empty.</summary>
    public static string Format(ValueKinds kinds)
    {
        var parts = _names.Where(n => (kinds & n.Kind) != 0).Select(n => n.Name).ToList();
        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }

    /// <summary>Parses <see cref="Format"/> output.</summary>
    public static ValueKinds Parse(string? text)
    {
        var result = ValueKinds.None;
        foreach (var part in (text ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var (kind, name) in _names)
            {
                if (string.Equals(name, part, StringComparison.OrdinalIgnoreCase))
                {
                    result |= kind;
                }
            }
        }

        return result;
    }

    private static ValueKinds Compatible(ValueKinds kind) => kind switch
    {
        ValueKinds.String => ValueKinds.String,
        ValueKinds.Number => ValueKinds.Number | ValueKinds.NumericString,
        ValueKinds.NumericString => ValueKinds.NumericString | ValueKinds.Number | ValueKinds.String,
        ValueKinds.Boolean => ValueKinds.Boolean | ValueKinds.BooleanString,
        ValueKinds.BooleanString => ValueKinds.BooleanString | ValueKinds.Boolean | ValueKinds.String,
        _ => kind,
    };

    private static ValueKinds ClassifyString(JsonElement value)
    {
        // Raw UTF-8 with its quotes, never unescaped (so a lone surrogate cannot throw); long or escaped text is
        // never a number, boolean or "null".
        var raw = JsonMarshal.GetRawUtf8Value(value);
        if (raw.Length > 42 || raw.IndexOf((byte)'\\') >= 0)
        {
            return ValueKinds.String;
        }

        var text = raw[1..^1].Trim(" \t"u8);
        if (text.IsEmpty || Ascii.EqualsIgnoreCase(text, "null"u8))
        {
            return ValueKinds.None;
        }

        if (Ascii.EqualsIgnoreCase(text, "true"u8) || Ascii.EqualsIgnoreCase(text, "false"u8))
        {
            return ValueKinds.BooleanString;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? ValueKinds.NumericString : ValueKinds.String;
    }
}
