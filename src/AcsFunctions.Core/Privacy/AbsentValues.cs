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

        // Plain ASCII text that starts and ends with a visible character is its own trimmed form: compare the raw
        // bytes with the absent markers instead of materialising the string.
        var raw = JsonMarshal.GetRawUtf8Value(value)[1..^1];
        if (raw.Length > 0 && raw[0] > (byte)' ' && raw[^1] > (byte)' ' && raw.IndexOf((byte)'\\') < 0 && Ascii.IsValid(raw))
        {
            return raw.SequenceEqual("-"u8) || Ascii.EqualsIgnoreCase(raw, "null"u8) || Ascii.EqualsIgnoreCase(raw, "Redacted"u8);
        }

        return DiagnosticRecord.ClassifyText(value.GetString()) != FieldState.Present;
    }
}
