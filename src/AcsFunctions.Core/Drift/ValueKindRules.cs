using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using AcsFunctions.Records;

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

    /// <summary>
    /// The only bytes a text <see cref="double.TryParse(ReadOnlySpan{byte}, NumberStyles, IFormatProvider, out double)"/>
    /// accepts (<see cref="NumberStyles.Float"/>, invariant culture) can hold once spaces are trimmed: digits, sign,
    /// point, exponent and the letters of "Infinity" and "NaN" in any case (whitespace other than spaces, and NUL,
    /// cannot appear unescaped in a JSON string). Text with any other byte is not a number without parsing it.
    /// </summary>
    private static readonly SearchValues<byte> _numberBytes = SearchValues.Create("0123456789+-.eEiInNfFtTyYaA"u8);

    /// <summary>
    /// The bytes trimmed text that is not plain text can start with: a number's digit, sign or point and the first
    /// letters of "Infinity", "NaN", "true", "false" and "null" in any case; also the blanks that are trimmed and the
    /// escape (text with an escape is text, decided by the full check).
    /// </summary>
    private static readonly SearchValues<byte> _startBytes = SearchValues.Create("0123456789+-.iInNtTfF \t\\"u8);

    /// <summary>The number of kinds (bits of <see cref="ValueKinds"/>).</summary>
    public const int KindCount = 7;

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

    /// <summary>The kinds with a count (indexed by the kind's bit) by name, in the order of <see cref="Format"/>.</summary>
    public static IReadOnlyDictionary<string, long> CountsByName(ReadOnlySpan<long> counts)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (kind, name) in _names)
        {
            var bit = System.Numerics.BitOperations.Log2((uint)kind);
            if (bit < counts.Length && counts[bit] > 0)
            {
                result[name] = counts[bit];
            }
        }

        return result;
    }

    /// <summary>"string: 3, number: 12" (see <see cref="CountsByName"/>); null when no kind has a count.</summary>
    public static string? FormatCounts(ReadOnlySpan<long> counts)
    {
        var named = CountsByName(counts);
        return named.Count == 0 ? null : string.Join(", ", named.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}: {p.Value}")));
    }

    /// <summary>Parses <see cref="FormatCounts"/> output into counts indexed by the kind's bit (null for null or empty text).</summary>
    public static long[]? ParseCounts(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var counts = new long[KindCount];
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            var kind = colon < 0 ? ValueKinds.None : Parse(part[..colon]);
            if (kind != ValueKinds.None && long.TryParse(part.AsSpan(colon + 1).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count))
            {
                counts[System.Numerics.BitOperations.Log2((uint)kind)] += count;
            }
        }

        return counts;
    }

    /// <summary>The sum of <paramref name="counts"/> (indexed by bit) over the kinds in <paramref name="kinds"/>.</summary>
    public static long CountOf(ReadOnlySpan<long> counts, ValueKinds kinds)
    {
        long total = 0;
        for (var bit = 0; bit < counts.Length && bit < KindCount; bit++)
        {
            if (((int)kinds & (1 << bit)) != 0)
            {
                total += counts[bit];
            }
        }

        return total;
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
        if (raw.Length > 42)
        {
            return ValueKinds.String;
        }

        if (raw.Length == 2)
        {
            return ValueKinds.None;
        }

        // Most text is told by its first byte: a number, a boolean, "null" and blank text can only start with one of
        // _startBytes (no other byte starts what double.TryParse accepts with NumberStyles.Float; an escape is text).
        if (!_startBytes.Contains(raw[1]) || raw.IndexOf((byte)'\\') >= 0)
        {
            return ValueKinds.String;
        }

        var text = raw[1..^1].Trim(" \t"u8);
        if (text.IsEmpty)
        {
            return ValueKinds.None;
        }

        if (text.Length <= 5)
        {
            if (Ascii.EqualsIgnoreCase(text, "null"u8))
            {
                return ValueKinds.None;
            }

            if (Ascii.EqualsIgnoreCase(text, "true"u8) || Ascii.EqualsIgnoreCase(text, "false"u8))
            {
                return ValueKinds.BooleanString;
            }
        }

        if (text.IndexOfAnyExcept(_numberBytes) >= 0)
        {
            return ValueKinds.String;
        }

        // Text in the JSON number grammar always parses (out-of-range values as infinities): no parse needed.
        return JsonNumberText.IsJsonNumber(text) || double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? ValueKinds.NumericString
            : ValueKinds.String;
    }
}
