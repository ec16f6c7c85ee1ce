using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using AcsFunctions.Records;

namespace AcsFunctions.Privacy;

/// <summary>
/// The privacy policy applied to every record before anything is persisted: each classified field is hashed,
/// masked, kept or dropped (top level and inside <c>properties</c>, also when <c>properties</c> is a JSON string);
/// records of unknown categories additionally get every non-envelope string scrubbed by pattern. Values the data
/// contract treats as absent (<c>null</c>, <c>"null"</c>, <c>""</c>, <c>"-"</c>, <c>"Redacted"</c>) are left as
/// they are. The record is rewritten once with a <see cref="Utf8JsonWriter"/>; when nothing matches the original
/// element is returned untouched.
/// </summary>
public sealed class PolicySanitizer : IRecordSanitizer
{
    private static readonly JsonWriterOptions _writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly PrivacyPolicy _policy;

    /// <summary>Creates the sanitizer.</summary>
    public PolicySanitizer(PrivacyPolicy policy) => _policy = policy;

    /// <inheritdoc />
    public SanitizedRecord Sanitize(string category, JsonElement record)
    {
        var rules = _policy.For(category);
        if (record.ValueKind != JsonValueKind.Object || !rules.HasEffect || (!rules.ScrubUnlisted && !NeedsRewrite(record, rules, topLevel: true)))
        {
            return Unchanged(record);
        }

        var buffer = new ArrayBufferWriter<byte>(JsonMarshal.GetRawUtf8Value(record).Length + 256);
        bool changed;
        using (var writer = new Utf8JsonWriter(buffer, _writerOptions))
        {
            changed = WriteObject(writer, record, rules, topLevel: true);
        }

        if (!changed)
        {
            return Unchanged(record);
        }

        var bytes = buffer.WrittenSpan.ToArray();
        var document = JsonDocument.Parse(bytes);
        return new SanitizedRecord(document.RootElement, bytes, document);
    }

    /// <inheritdoc />
    public ReadOnlyMemory<byte> SanitizeUnparsed(ReadOnlyMemory<byte> payload) => _policy.Scrubber.ScrubBytes(payload);

    /// <inheritdoc />
    public string SanitizeText(string text) => _policy.Scrubber.Scrub(text);

    private static SanitizedRecord Unchanged(JsonElement record) =>
        new(record, JsonMarshal.GetRawUtf8Value(record).ToArray(), null);

    private static bool IsProperties(JsonProperty property) =>
        property.NameEquals("properties") || string.Equals(property.Name, "properties", StringComparison.OrdinalIgnoreCase);

    private static bool IsAbsent(JsonElement value) =>
        value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ||
        (value.ValueKind == JsonValueKind.String && DiagnosticRecord.ClassifyText(value.GetString()) != FieldState.Present);

    private static bool NeedsRewrite(JsonElement obj, CategoryRules rules, bool topLevel)
    {
        foreach (var property in obj.EnumerateObject())
        {
            if (topLevel && IsProperties(property))
            {
                if (property.Value.ValueKind == JsonValueKind.String || (property.Value.ValueKind == JsonValueKind.Object && NeedsRewrite(property.Value, rules, topLevel: false)))
                {
                    return true;
                }

                continue;
            }

            if (rules.TryGet(property.Name, out var rule) && rule.Action != PrivacyAction.Keep && !IsAbsent(property.Value))
            {
                return true;
            }
        }

        return false;
    }

    private bool WriteObject(Utf8JsonWriter writer, JsonElement obj, CategoryRules rules, bool topLevel)
    {
        var changed = false;
        writer.WriteStartObject();
        foreach (var property in obj.EnumerateObject())
        {
            changed |= topLevel && IsProperties(property)
                ? WriteProperties(writer, property, rules)
                : WriteField(writer, property, rules);
        }

        writer.WriteEndObject();
        return changed;
    }

    private bool WriteProperties(Utf8JsonWriter writer, JsonProperty property, CategoryRules rules)
    {
        var value = property.Value;
        if (value.ValueKind == JsonValueKind.Object)
        {
            writer.WritePropertyName(property.Name);
            return WriteObject(writer, value, rules, topLevel: false);
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return rules.ScrubUnlisted ? WriteScrubbedProperty(writer, property) : WriteUnchanged(writer, property);
        }

        // properties sent as a JSON string: rewrite the object inside and store it as a string again.
        var text = value.GetString()!;
        if (text.AsSpan().TrimStart().StartsWith('{'))
        {
            try
            {
                using var inner = JsonDocument.Parse(text);
                var buffer = new ArrayBufferWriter<byte>(text.Length + 64);
                bool changed;
                using (var innerWriter = new Utf8JsonWriter(buffer, _writerOptions))
                {
                    changed = WriteObject(innerWriter, inner.RootElement, rules, topLevel: false);
                }

                if (!changed)
                {
                    return WriteUnchanged(writer, property);
                }

                writer.WriteString(property.Name, Encoding.UTF8.GetString(buffer.WrittenSpan));
                return true;
            }
            catch (JsonException)
            {
                // Not JSON after all: treated as free text below.
            }
        }

        return WriteScrubbedProperty(writer, property);
    }

    private bool WriteField(Utf8JsonWriter writer, JsonProperty property, CategoryRules rules)
    {
        if (rules.TryGet(property.Name, out var rule))
        {
            return ApplyRule(writer, property, rule);
        }

        if (rules.ScrubUnlisted && !PersonalFields.EnvelopeFields.Contains(property.Name))
        {
            return WriteScrubbedProperty(writer, property);
        }

        return WriteUnchanged(writer, property);
    }

    private bool ApplyRule(Utf8JsonWriter writer, JsonProperty property, FieldRule rule)
    {
        var value = property.Value;
        if (rule.Action == PrivacyAction.Keep || IsAbsent(value))
        {
            return WriteUnchanged(writer, property);
        }

        if (rule.Action == PrivacyAction.Drop)
        {
            return true;
        }

        if (rule.Action == PrivacyAction.Mask && rule.Kind == PersonalDataKind.FreeText && value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
        {
            return WriteScrubbedProperty(writer, property);
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        var result = rule.Action == PrivacyAction.Hash ? Hash(rule.Kind, text) : Mask(rule.Kind, text);
        if (string.Equals(result, text, StringComparison.Ordinal))
        {
            return WriteUnchanged(writer, property);
        }

        writer.WriteString(property.Name, result);
        return true;
    }

    private string Hash(PersonalDataKind kind, string text) =>
        kind is PersonalDataKind.Identifier or PersonalDataKind.IpAddress ? _policy.Hasher.Hash(text) : _policy.Hasher.HashExact(text);

    private string Mask(PersonalDataKind kind, string text) => kind switch
    {
        PersonalDataKind.Identifier => Masking.MaskIdentifier(text),
        PersonalDataKind.IpAddress => Masking.MaskIp(text) ?? _policy.Scrubber.Scrub(text),
        PersonalDataKind.Url => Masking.MaskUrl(text, _policy.Scrubber.Scrub),
        _ => _policy.Scrubber.Scrub(text),
    };

    private bool WriteScrubbedProperty(Utf8JsonWriter writer, JsonProperty property)
    {
        writer.WritePropertyName(property.Name);
        return WriteScrubbed(writer, property.Value);
    }

    private bool WriteScrubbed(Utf8JsonWriter writer, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var text = value.GetString()!;
                var scrubbed = _policy.Scrubber.Scrub(text);
                if (string.Equals(text, scrubbed, StringComparison.Ordinal))
                {
                    value.WriteTo(writer);
                    return false;
                }

                writer.WriteStringValue(scrubbed);
                return true;
            case JsonValueKind.Object:
                var changed = false;
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject())
                {
                    changed |= WriteScrubbedProperty(writer, property);
                }

                writer.WriteEndObject();
                return changed;
            case JsonValueKind.Array:
                var any = false;
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    any |= WriteScrubbed(writer, item);
                }

                writer.WriteEndArray();
                return any;
            default:
                value.WriteTo(writer);
                return false;
        }
    }

    private static bool WriteUnchanged(Utf8JsonWriter writer, JsonProperty property)
    {
        property.WriteTo(writer);
        return false;
    }
}
