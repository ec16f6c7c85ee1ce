using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using AcsFunctions.Records;

namespace AcsFunctions.Privacy;

/// <summary>Values the privacy policy leaves as they are because the data contract treats them as absent.</summary>
internal static class AbsentValues
{
    /// <summary>True for <c>null</c> and the strings the data contract treats as absent (<c>"null"</c>, <c>""</c>, <c>"-"</c>, <c>"Redacted"</c>).</summary>
    public static bool IsAbsent(JsonElement value)
    {
        if (value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return true;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        return IsAbsentRaw(JsonMarshal.GetRawUtf8Value(value)[1..^1], escaped: null) ?? IsAbsentText(value.GetString());
    }

    /// <summary>
    /// Whether a string value is absent, from its raw JSON bytes (without quotes): plain ASCII text that starts and ends
    /// with a visible character is its own trimmed form, so it is compared with the absent markers without a string
    /// being made; null when the decoded text must be classified (<see cref="IsAbsentText"/>). <paramref name="escaped"/>
    /// says whether the raw text holds an escape (null: look for a backslash). The one test both privacy paths use.
    /// </summary>
    public static bool? IsAbsentRaw(ReadOnlySpan<byte> raw, bool? escaped)
    {
        if (raw.Length > 0 && raw[0] > (byte)' ' && raw[^1] > (byte)' ' && !(escaped ?? raw.IndexOf((byte)'\\') >= 0) && Ascii.IsValid(raw))
        {
            return raw.SequenceEqual("-"u8) || Ascii.EqualsIgnoreCase(raw, "null"u8) || Ascii.EqualsIgnoreCase(raw, "Redacted"u8);
        }

        return null;
    }

    /// <summary>Whether a decoded string is absent (what <see cref="IsAbsentRaw"/> leaves undecided).</summary>
    public static bool IsAbsentText(string? text) => DiagnosticRecord.ClassifyText(text) != FieldState.Present;
}
