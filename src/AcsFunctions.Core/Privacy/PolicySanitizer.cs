using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using AcsFunctions.Records;

namespace AcsFunctions.Privacy;

/// <summary>
/// The privacy policy applied to every record before anything is persisted: each classified field is hashed,
/// masked, kept or dropped wherever its name appears (top level, inside <c>properties</c>, also when <c>properties</c>
/// is a JSON string, and at any depth inside objects and arrays of objects below them);
/// records of unknown categories additionally get every non-envelope string scrubbed by pattern. Values the data
/// contract treats as absent (<c>null</c>, <c>"null"</c>, <c>""</c>, <c>"-"</c>, <c>"Redacted"</c>) are left as
/// they are. Most records are rewritten by one reader pass that also computes their id (<see cref="RecordRewrite"/>);
/// the others by a walk of the record's DOM into a <see cref="Utf8JsonWriter"/>, whose output that pass reproduces byte
/// for byte. When nothing matches the original element is returned untouched.
/// </summary>
public sealed class PolicySanitizer : IRecordSanitizer
{
    private const int BufferSize = 64 * 1024;
    private static readonly JsonWriterOptions _writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    private readonly PrivacyPolicy _policy;
    private readonly PersonalValues _values;

    /// <summary>Creates the sanitizer.</summary>
    public PolicySanitizer(PrivacyPolicy policy)
    {
        _policy = policy;
        _values = new PersonalValues(policy);
    }

    /// <summary>The policy applied.</summary>
    internal PrivacyPolicy Policy => _policy;

    /// <inheritdoc />
    public SanitizedRecord Sanitize(string category, JsonElement record)
    {
        var rules = _policy.For(category);
        if (record.ValueKind != JsonValueKind.Object || !rules.HasEffect)
        {
            return Unchanged(record);
        }

        // Most records: one reader pass over the record's bytes writes the rewritten record and its id's canonical form
        // (RecordRewrite); what it does not take goes through the writer walk below, which it reproduces byte for byte.
        if (!rules.ScrubUnlisted &&
            RecordRewrite.TryRun(JsonMarshal.GetRawUtf8Value(record), rules, _values, _policy.Scrubber, out var rewritten, out var rewrittenLength, out var recordId))
        {
            if (rewritten is null)
            {
                return Unchanged(record) with { RecordId = recordId };
            }

            try
            {
                return Parsed(rewritten, rewrittenLength) with { RecordId = recordId };
            }
            catch (JsonException)
            {
                // Never expected (the pass writes what the writer walk would): the walk decides, as for what it did not take.
            }
        }

        return SanitizeByWriter(rules, record);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The record is parsed once: the rewritten text when the reader pass takes the record and changes it, else its own
    /// text; only what the pass does not take is parsed as it arrived and then rewritten by the writer walk.
    /// </remarks>
    public SanitizedRecord Sanitize(string category, ReadOnlyMemory<byte> utf8)
    {
        var rules = _policy.For(category);
        if (rules.HasEffect && !rules.ScrubUnlisted &&
            RecordRewrite.TryRun(utf8.Span, rules, _values, _policy.Scrubber, out var rewritten, out var rewrittenLength, out var recordId))
        {
            if (rewritten is not null)
            {
                try
                {
                    return Parsed(rewritten, rewrittenLength) with { RecordId = recordId };
                }
                catch (JsonException)
                {
                    // Never expected (the pass writes what the writer walk would): the walk decides, below.
                }
            }
            else
            {
                var unchanged = JsonDocument.Parse(utf8);
                return Unchanged(unchanged.RootElement).Owning(unchanged) with { RecordId = recordId };
            }
        }

        // No rule applies, or the pass did not take the record: the writer walk, as for an element (without the pass again).
        var document = JsonDocument.Parse(utf8);
        try
        {
            var root = document.RootElement;
            var result = root.ValueKind != JsonValueKind.Object || !rules.HasEffect ? Unchanged(root) : SanitizeByWriter(rules, root);
            return result.Owning(document);
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The writer walk: the policy applied to the record's DOM through a <see cref="Utf8JsonWriter"/> (the reference that
    /// <see cref="RecordRewrite"/> reproduces, and the path of what it does not take).
    /// </summary>
    internal SanitizedRecord SanitizeByWriter(CategoryRules rules, JsonElement record)
    {
        // One walk: the record is written while its fields are checked, and a record the policy changes nothing in
        // (most fields of most records are kept) is returned as it is, without the written copy being parsed. Almost
        // every record has a field the policy rewrites (a caller IP, an identifier), so a walk that only looked for
        // one first would be repeated by the write for most records. One reused buffer and writer per thread; the
        // rewritten text is copied into a pooled array that the result returns to the pool when it is disposed.
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(BufferSize);
        buffer.ResetWrittenCount();
        var writer = t_writer;
        if (writer is null)
        {
            t_writer = writer = new Utf8JsonWriter(buffer, _writerOptions);
        }
        else
        {
            writer.Reset(buffer);
        }

        bool changed;
        try
        {
            changed = WriteObject(writer, record, rules, topLevel: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // Text the writer cannot write back (a lone surrogate escape): a record with nothing to rewrite is kept as
            // it arrived, as when a walk looked for work before writing; a record with something to rewrite fails.
            if (!rules.ScrubUnlisted && !NeedsRewrite(record, rules, topLevel: true))
            {
                return Unchanged(record);
            }

            throw;
        }

        writer.Flush();
        try
        {
            if (!changed)
            {
                return Unchanged(record);
            }

            var length = buffer.WrittenCount;
            var bytes = ArrayPool<byte>.Shared.Rent(length);
            buffer.WrittenSpan.CopyTo(bytes);
            return Parsed(bytes, length);
        }
        finally
        {
            if (buffer.Capacity > BufferSize * 16)
            {
                t_buffer = null; // an unusually large record: do not keep its buffer for the thread's lifetime
            }
        }
    }

    /// <summary>The rewritten record in <paramref name="bytes"/> (a pooled array, returned when the result is disposed), parsed.</summary>
    private static SanitizedRecord Parsed(byte[] bytes, int length)
    {
        var utf8 = bytes.AsMemory(0, length);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(bytes);
            throw;
        }

        return new SanitizedRecord(document.RootElement, utf8, new PooledDocument(document, bytes));
    }

    /// <inheritdoc />
    public ReadOnlyMemory<byte> SanitizeUnparsed(ReadOnlyMemory<byte> payload) => _policy.Scrubber.ScrubBytes(payload);

    /// <inheritdoc />
    public string SanitizeText(string text) => _policy.Scrubber.Scrub(text);

    private static SanitizedRecord Unchanged(JsonElement record) => SanitizedRecord.Unchanged(record);

    private static bool IsProperties(JsonProperty property) => JsonNames.EqualsIgnoreCase(property, "properties");

    /// <summary>True when the walk finds something to rewrite (only asked when writing the record failed).</summary>
    private bool NeedsRewrite(JsonElement value, CategoryRules rules, bool topLevel)
    {
        if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind is JsonValueKind.Object or JsonValueKind.Array && NeedsRewrite(item, rules, topLevel: false))
                {
                    return true;
                }
            }

            return false;
        }

        Span<char> buffer = stackalloc char[JsonNames.StackLimit];
        foreach (var property in value.EnumerateObject())
        {
            scoped ReadOnlySpan<char> name;
            try
            {
                name = JsonNames.Decode(property, buffer);
            }
            catch (InvalidOperationException)
            {
                name = default; // a lone surrogate escape: no rule or pattern names it, and its value is still looked at
            }

            if (NameNeedsScrub(name))
            {
                return true; // a field name that is itself personal data (an e-mail, a phone number, an IP address)
            }

            if (topLevel && IsProperties(property))
            {
                if (property.Value.ValueKind == JsonValueKind.String ||
                    (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array && NeedsRewrite(property.Value, rules, topLevel: false)))
                {
                    return true;
                }

                continue;
            }

            if (rules.TryGet(name, out var rule))
            {
                if (rule.Action != PrivacyAction.Keep && !AbsentValues.IsAbsent(property.Value))
                {
                    return true;
                }
            }
            else if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array && NeedsRewrite(property.Value, rules, topLevel: false))
            {
                return true; // a personal field nested deeper
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
        Span<char> buffer = stackalloc char[JsonNames.StackLimit];
        var name = JsonNames.Decode(property, buffer);
        if (value.ValueKind == JsonValueKind.Object)
        {
            var renamed = WriteName(writer, name);
            return WriteObject(writer, value, rules, topLevel: false) | renamed;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return rules.ScrubUnlisted ? WriteScrubbedProperty(writer, property, name, rules) : WriteMember(writer, property, name, rules);
        }

        // properties sent as a JSON string: rewrite the object inside and store it as a string again.
        var text = value.GetString()!;
        if (text.AsSpan().TrimStart().StartsWith('{'))
        {
            try
            {
                using var inner = JsonDocument.Parse(text);
                var innerBuffer = new ArrayBufferWriter<byte>(text.Length + 64);
                bool changed;
                using (var innerWriter = new Utf8JsonWriter(innerBuffer, _writerOptions))
                {
                    changed = WriteObject(innerWriter, inner.RootElement, rules, topLevel: false);
                }

                if (!changed)
                {
                    return WriteUnchanged(writer, property, name);
                }

                WriteName(writer, name);
                writer.WriteStringValue(Encoding.UTF8.GetString(innerBuffer.WrittenSpan));
                return true;
            }
            catch (JsonException)
            {
                // Not JSON after all: treated as free text below.
            }
        }

        return WriteScrubbedProperty(writer, property, name, rules);
    }

    private bool WriteField(Utf8JsonWriter writer, JsonProperty property, CategoryRules rules)
    {
        Span<char> buffer = stackalloc char[JsonNames.StackLimit];
        var name = JsonNames.Decode(property, buffer);
        if (rules.TryGet(name, out var rule))
        {
            return ApplyRule(writer, property, name, rule, rules);
        }

        if (rules.ScrubUnlisted && !PersonalFields.IsEnvelopeField(name))
        {
            return WriteScrubbedProperty(writer, property, name, rules);
        }

        return WriteMember(writer, property, name, rules);
    }

    /// <summary>
    /// A member no rule names: a scalar as it is; an object or array walked, since a personal field may be nested at
    /// any depth (only records that have such containers do this work).
    /// </summary>
    private bool WriteMember(Utf8JsonWriter writer, JsonProperty property, ReadOnlySpan<char> name, CategoryRules rules)
    {
        if (property.Value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
        {
            return WriteUnchanged(writer, property, name);
        }

        var renamed = WriteName(writer, name);
        return WriteNested(writer, property.Value, rules) | renamed;
    }

    /// <summary>A value below a member no rule names: the rules apply to the members of its objects, at any depth.</summary>
    private bool WriteNested(Utf8JsonWriter writer, JsonElement value, CategoryRules rules)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                return WriteObject(writer, value, rules, topLevel: false);
            case JsonValueKind.Array:
                return WriteItems(writer, value, rules, scrub: false);
            default:
                value.WriteTo(writer);
                return false;
        }
    }

    private bool ApplyRule(Utf8JsonWriter writer, JsonProperty property, ReadOnlySpan<char> name, FieldRule rule, CategoryRules rules)
    {
        var value = property.Value;
        if (rule.Action == PrivacyAction.Keep || AbsentValues.IsAbsent(value))
        {
            return WriteUnchanged(writer, property, name);
        }

        if (rule.Action == PrivacyAction.Drop)
        {
            return true;
        }

        if (rule.Action == PrivacyAction.Mask && rule.Kind == PersonalDataKind.FreeText && value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
        {
            return WriteScrubbedProperty(writer, property, name, rules);
        }

        if (rule.Kind == PersonalDataKind.Url && rule.Action == PrivacyAction.Mask && value.ValueKind == JsonValueKind.String
            && TryMaskPlainUrl(writer, property, name, out var urlChanged))
        {
            return urlChanged;
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        var result = rule.Action == PrivacyAction.Hash ? Hash(rule.Kind, text) : Mask(rule.Kind, text);
        if (string.Equals(result, text, StringComparison.Ordinal))
        {
            return WriteUnchanged(writer, property, name);
        }

        WriteName(writer, name);
        writer.WriteStringValue(result);
        return true;
    }

    /// <summary>
    /// Masks a plain URL (see <see cref="PlainUrls"/>) from the value's own bytes: a URL already in its masked form — most
    /// of them — is copied without a string being made of it. False when the value is not a plain URL (or has escapes).
    /// </summary>
    private bool TryMaskPlainUrl(Utf8JsonWriter writer, JsonProperty property, ReadOnlySpan<char> name, out bool changed)
    {
        changed = false;
        var raw = JsonMarshal.GetRawUtf8Value(property.Value)[1..^1];
        switch (PlainUrls.TryMaskUtf8(raw, raw.IndexOf((byte)'\\') >= 0, _policy.Scrubber, out var masked))
        {
            case PlainUrls.Outcome.Unchanged:
                changed = WriteUnchanged(writer, property, name);
                return true;
            case PlainUrls.Outcome.Masked:
                WriteName(writer, name);
                writer.WriteStringValue(masked);
                changed = true;
                return true;
            default:
                return false;
        }
    }

    private string Hash(PersonalDataKind kind, string text) => _values.Hash(kind, text);

    private string Mask(PersonalDataKind kind, string text) => _values.Mask(kind, text);

    private bool WriteScrubbedProperty(Utf8JsonWriter writer, JsonProperty property, ReadOnlySpan<char> name, CategoryRules rules)
    {
        var renamed = WriteName(writer, name);
        return WriteScrubbed(writer, property.Value, rules) | renamed;
    }

    /// <summary>Every string scrubbed by pattern, except members a rule names: those get their rule, at any depth.</summary>
    private bool WriteScrubbed(Utf8JsonWriter writer, JsonElement value, CategoryRules rules)
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
                Span<char> buffer = stackalloc char[JsonNames.StackLimit];
                foreach (var property in value.EnumerateObject())
                {
                    var name = JsonNames.Decode(property, buffer);
                    changed |= rules.TryGet(name, out var rule)
                        ? ApplyRule(writer, property, name, rule, rules)
                        : WriteScrubbedProperty(writer, property, name, rules);
                }

                writer.WriteEndObject();
                return changed;
            case JsonValueKind.Array:
                return WriteItems(writer, value, rules, scrub: true);
            default:
                value.WriteTo(writer);
                return false;
        }
    }

    /// <summary>An array's items: scrubbed (<see cref="WriteScrubbed"/>) when <paramref name="scrub"/>, else walked (<see cref="WriteNested"/>).</summary>
    private bool WriteItems(Utf8JsonWriter writer, JsonElement array, CategoryRules rules, bool scrub)
    {
        var changed = false;
        writer.WriteStartArray();
        foreach (var item in array.EnumerateArray())
        {
            changed |= scrub ? WriteScrubbed(writer, item, rules) : WriteNested(writer, item, rules);
        }

        writer.WriteEndArray();
        return changed;
    }

    /// <summary>
    /// Writes the member's name through the policy's text scrubber: field names go through the same patterns as values
    /// (a key that is an e-mail address, a phone number or an IP address is stored hashed or masked, never raw).
    /// </summary>
    private bool WriteName(Utf8JsonWriter writer, ReadOnlySpan<char> name)
    {
        if (TextPatterns.MayContainPersonal(name))
        {
            var text = name.ToString();
            var scrubbed = _policy.Scrubber.Scrub(text);
            writer.WritePropertyName(scrubbed);
            return !ReferenceEquals(text, scrubbed) && !string.Equals(text, scrubbed, StringComparison.Ordinal);
        }

        writer.WritePropertyName(name);
        return false;
    }

    private bool NameNeedsScrub(ReadOnlySpan<char> name) => _policy.Scrubber.NameNeedsScrub(name);

    private bool WriteUnchanged(Utf8JsonWriter writer, JsonProperty property, ReadOnlySpan<char> name)
    {
        if (NameNeedsScrub(name))
        {
            WriteName(writer, name);
            property.Value.WriteTo(writer);
            return true;
        }

        property.WriteTo(writer);
        return false;
    }
}
