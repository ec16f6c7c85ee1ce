using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace AcsFunctions.Records;

/// <summary>
/// Property-name comparisons on a parsed record without allocating a string per name (<see cref="JsonProperty.Name"/>
/// allocates on every call). Plain ASCII names without escapes are compared on their raw UTF-8 bytes; anything else
/// (an escape sequence, a non-ASCII character) falls back to the string comparison, so the result is always exactly
/// that of <see cref="StringComparison.OrdinalIgnoreCase"/>.
/// </summary>
public static class JsonNames
{
    /// <summary>Longest name decoded on the stack by callers of <see cref="Decode"/>.</summary>
    public const int StackLimit = 256;

    /// <summary>True when the property's name equals <paramref name="name"/> under <see cref="StringComparison.OrdinalIgnoreCase"/>.</summary>
    public static bool EqualsIgnoreCase(JsonProperty property, string name)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        if (IsPlain(raw) && Ascii.IsValid(name))
        {
            return raw.Length == name.Length && Ascii.EqualsIgnoreCase(raw, name);
        }

        return string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The property's name as characters: decoded into <paramref name="buffer"/> (at least as long as the raw name)
    /// when it has no escapes, else <see cref="JsonProperty.Name"/>.
    /// </summary>
    public static ReadOnlySpan<char> Decode(JsonProperty property, Span<char> buffer)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        if (raw.Length <= buffer.Length && raw.IndexOf((byte)'\\') < 0)
        {
            return buffer[..Encoding.UTF8.GetChars(raw, buffer)];
        }

        return property.Name;
    }

    private static bool IsPlain(ReadOnlySpan<byte> raw) => Ascii.IsValid(raw) && raw.IndexOf((byte)'\\') < 0;
}
