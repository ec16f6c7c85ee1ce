using System.Text;
using System.Text.Json;
using AcsFunctions.Dispatch;
using AcsFunctions.Records;
using AcsFunctions.Storage;

namespace AcsFunctions.Schemas.CallClient;

/// <summary>
/// The <c>OperationPayload</c> of a CallClientOperations record: usually a JSON object serialised into a string
/// (<c>"{\"StreamType\":\"Video\",…}"</c>), sometimes an object, sometimes free text. The original is always kept
/// in <c>OperationPayload</c>; a JSON object adds <c>PayloadParsed = true</c> and one <c>Payload&lt;Name&gt;</c>
/// column per top-level property (numbers as double, booleans as bool, nested values as JSON text), at most
/// <see cref="MaxColumns"/>; anything else adds <c>PayloadParsed = false</c>. A property whose column name would break
/// the service's name rules (over 255 characters) gets no column: it stays in <c>OperationPayload</c> and the record
/// is flagged <c>PayloadNameInvalid = true</c>.
/// </summary>
public static class OperationPayload
{
    /// <summary>Most payload properties turned into columns (the rest stay in <c>OperationPayload</c>).</summary>
    public const int MaxColumns = 24;

    /// <summary>How many columns <see cref="Add"/> adds at most (the payload, its flags and <see cref="MaxColumns"/> properties).</summary>
    public const int MaxColumnsAdded = MaxColumns + 4;

    /// <summary>Adds the payload columns.</summary>
    public static void Add(ColumnSet columns, DiagnosticRecord record)
    {
        if (!record.TryGetRaw(out var payload, "OperationPayload"))
        {
            return;
        }

        if (payload.ValueKind == JsonValueKind.Object)
        {
            columns.Add("OperationPayload", payload.GetRawText()).Add("PayloadParsed", true);
            AddProperties(columns, payload);
            return;
        }

        var text = payload.ValueKind == JsonValueKind.String ? payload.GetString() : payload.GetRawText();
        if (DiagnosticRecord.ClassifyText(text) != FieldState.Present)
        {
            return;
        }

        columns.Add("OperationPayload", text);
        if (TryParseObject(text!, out var document))
        {
            using (document)
            {
                columns.Add("PayloadParsed", true);
                AddProperties(columns, document.RootElement);
            }
        }
        else
        {
            columns.Add("PayloadParsed", false);
        }
    }

    /// <summary>The column name of a payload property: <c>Payload</c> + its letters and digits (first letter upper-cased).</summary>
    public static string ColumnName(string property)
    {
        var sb = new StringBuilder("Payload");
        foreach (var c in property)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                sb.Append(sb.Length == 7 ? char.ToUpperInvariant(c) : c);
            }
        }

        return sb.ToString();
    }

    private static bool TryParseObject(string text, out JsonDocument document)
    {
        document = null!;
        var trimmed = text.AsSpan().Trim();
        if (trimmed.Length == 0 || trimmed[0] != '{')
        {
            return false;
        }

        try
        {
            document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return true;
            }

            document.Dispose();
            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static void AddProperties(ColumnSet columns, JsonElement payload)
    {
        var added = 0;
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in payload.EnumerateObject())
        {
            var name = ColumnName(property.Name);
            if (name.Length == 7 || !seen.Add(name))
            {
                continue;
            }

            if (!EntityLimits.IsValidColumnName(name))
            {
                // Too long for a column: the property stays in OperationPayload (and the raw record); flagged.
                columns.Add("PayloadNameInvalid", true);
                continue;
            }

            if (added++ == MaxColumns)
            {
                columns.Add("PayloadTruncated", true);
                return;
            }

            columns.Add(name, Value(property.Value));
        }
    }

    private static object? Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() is { } s && DiagnosticRecord.ClassifyText(s) == FieldState.Present ? s : null,
        JsonValueKind.Number => value.TryGetDouble(out var d) && double.IsFinite(d) ? d : value.GetRawText(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => value.GetRawText(),
    };
}
