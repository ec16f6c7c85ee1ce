using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using AcsFunctions.Records;

namespace AcsFunctions.Privacy;

/// <summary>
/// The privacy policy as one <see cref="Utf8JsonReader"/> pass over a record's bytes (issue 18): the pass writes the
/// privacy-filtered record and, from the same tokens, the canonical form its id hashes (<see cref="RecordId"/>), so the
/// record is neither walked through a DOM and a <see cref="Utf8JsonWriter"/> nor read again for its id. Members the
/// policy keeps are copied byte for byte where that is what <see cref="Utf8JsonWriter"/> would write (printable ASCII
/// without escapes, no white space), so the output is exactly that of <see cref="PolicySanitizer"/>'s writer walk,
/// which stays the reference and the path of everything this pass does not take (it returns false, having written
/// nothing anyone sees): unknown categories (every string scrubbed), <c>properties</c> sent as a string, names with an
/// escape, a non-ASCII character or a personal token, free text masked inside an object or array, and text the writer
/// could not write back. The rules apply to member names at any depth: objects and arrays below a member no rule names
/// are walked (a record without them does no more than a scalar copy per member). One instance per thread.
/// </summary>
internal sealed class RecordRewrite
{
    private const int MaxDepth = 64;
    private static readonly JsonReaderOptions _readerOptions = new() { MaxDepth = MaxDepth };

    // A member name holding none of these bytes cannot hold a personal token (see TextPatterns.MayContainPersonal).
    private static readonly SearchValues<byte> _nameHints = SearchValues.Create("@+%:."u8);

    private static readonly JsonWriterOptions _writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [ThreadStatic]
    private static RecordRewrite? t_instance;

    // The writer for the few strings it must escape itself (non-ASCII text, escapes in the input), one per thread.
    [ThreadStatic]
    private static Utf8JsonWriter? t_escaper;

    private readonly ArrayBufferWriter<byte> _escaped = new(256);
    private readonly char[] _chars = new char[256];
    private readonly char[] _names = new char[JsonNames.StackLimit];
    private readonly PooledBytes _output = new();
    private bool _changed;
    private RecordCanonicalizer _canonical = null!;
    private CategoryRules _rules = null!;
    private PersonalValues _values = null!;
    private TextScrubber _scrubber = null!;

    private enum Outcome
    {
        Bail,
        Kept,
        Replaced,
        Dropped,
    }

    /// <summary>
    /// Applies <paramref name="rules"/> to the record <paramref name="json"/> (one JSON object). True when the pass could
    /// take the record: <paramref name="rewritten"/> is then the rewritten text in a pooled array (null when the policy
    /// changes nothing, the record being stored as it arrived) and <paramref name="recordId"/> its id. False when the
    /// record needs the writer walk.
    /// </summary>
    public static bool TryRun(
        ReadOnlySpan<byte> json, CategoryRules rules, PersonalValues values, TextScrubber scrubber, out byte[]? rewritten, out int length, out string? recordId)
    {
        var pass = t_instance ??= new RecordRewrite();
        pass._rules = rules;
        pass._values = values;
        pass._scrubber = scrubber;
        return pass.Run(json, out rewritten, out length, out recordId);
    }

    private bool Run(ReadOnlySpan<byte> json, out byte[]? rewritten, out int length, out string? recordId)
    {
        rewritten = null;
        length = 0;
        recordId = null;
        _output.Rent(json.Length + 256);
        _changed = false;
        _canonical = RecordId.Begin(json.Length);
        var taken = false;
        try
        {
            var reader = new Utf8JsonReader(json, _readerOptions);
            taken = reader.Read() && reader.TokenType == JsonTokenType.StartObject && Object(ref reader, json, topLevel: true);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Text the writer cannot write back (a lone surrogate escape), or anything else this pass did not foresee:
            // its buffers go back to the pool and the writer walk, the reference, decides.
            taken = false;
        }

        if (!taken)
        {
            RecordId.Abandon(_canonical);
            _output.Return();
            return false;
        }

        recordId = RecordId.Finish(_canonical);
        if (_changed)
        {
            length = _output.Length;
            rewritten = _output.Detach();
        }
        else
        {
            _output.Return();
        }

        return true;
    }

    /// <summary>
    /// An object of the record (its top level, <c>properties</c>, or any object below a member no rule names) whose
    /// members the rules apply to.
    /// </summary>
    private bool Object(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, bool topLevel)
    {
        Append((byte)'{');
        var open = _canonical.OpenObject();
        var first = true;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            if (reader.ValueIsEscaped || name.Length > _names.Length || !IsPlain(name))
            {
                return false;
            }

            if (name.ContainsAny(_nameHints) && _scrubber.NameNeedsScrub(Decode(name)))
            {
                return false; // a name that is itself personal data: the writer walk renames it
            }

            var outputStart = _output.Length;
            var canonicalStart = _canonical.MemberStart;
            AppendName(name, ref first);
            _canonical.Name(ref reader);
            reader.Read();
            Outcome outcome;
            if (topLevel && Ascii.EqualsIgnoreCase(name, "properties"u8))
            {
                outcome = reader.TokenType switch
                {
                    JsonTokenType.String => Outcome.Bail, // properties sent as a JSON string
                    _ => Value(ref reader, json) ? Outcome.Kept : Outcome.Bail,
                };
            }
            else if (_rules.MayHaveRule(name) && _rules.TryGet(Decode(name), out var rule))
            {
                outcome = Apply(ref reader, json, rule);
            }
            else
            {
                outcome = Value(ref reader, json) ? Outcome.Kept : Outcome.Bail;
            }

            switch (outcome)
            {
                case Outcome.Bail:
                    return false;
                case Outcome.Dropped:
                    _output.Length = outputStart;
                    first = _output.Array[outputStart - 1] == (byte)'{';
                    _canonical.Truncate(canonicalStart);
                    _changed = true;
                    continue;
                case Outcome.Replaced:
                    _changed = true;
                    break;
            }

            _canonical.EndMember(canonicalStart);
        }

        Append((byte)'}');
        _canonical.CloseObject(open);
        return true;
    }

    /// <summary>The plain ASCII name <paramref name="name"/> as characters, in the pass's own buffer (valid until the next name).</summary>
    private ReadOnlySpan<char> Decode(ReadOnlySpan<byte> name)
    {
        Ascii.ToUtf16(name, _names, out var decoded);
        return _names.AsSpan(0, decoded);
    }

    /// <summary>
    /// The value of a member no rule names: a scalar copied; an object or array walked with the rules applied to the
    /// members of its objects, at any depth (as <c>PolicySanitizer.WriteNested</c>). A record without nested containers
    /// never gets here with one.
    /// </summary>
    private bool Value(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                return Object(ref reader, json, topLevel: false);
            case JsonTokenType.StartArray:
                return Items(ref reader, json, applyRules: true);
            default:
                return Copy(ref reader);
        }
    }

    /// <summary>An array's items: walked by <see cref="Value"/> when <paramref name="applyRules"/>, else copied (<see cref="Copy"/>).</summary>
    private bool Items(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, bool applyRules)
    {
        Append((byte)'[');
        _canonical.OpenArray();
        var first = true;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (!first)
            {
                Append((byte)',');
            }

            first = false;
            if (!(applyRules ? Value(ref reader, json) : Copy(ref reader)))
            {
                return false;
            }
        }

        Append((byte)']');
        _canonical.CloseArray();
        return true;
    }

    /// <summary>One field's rule (as <c>PolicySanitizer.ApplyRule</c>), the reader on its value.</summary>
    private Outcome Apply(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, FieldRule rule)
    {
        if (rule.Action == PrivacyAction.Keep || IsAbsent(ref reader))
        {
            return Copy(ref reader) ? Outcome.Kept : Outcome.Bail;
        }

        if (rule.Action == PrivacyAction.Drop)
        {
            reader.Skip();
            return Outcome.Dropped;
        }

        var container = reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray;
        if (rule.Action == PrivacyAction.Mask && rule.Kind == PersonalDataKind.FreeText && container)
        {
            return Outcome.Bail; // scrubbed member by member by the writer walk
        }

        if (rule.Kind == PersonalDataKind.Url && rule.Action == PrivacyAction.Mask && reader.TokenType == JsonTokenType.String &&
            TryPlainUrl(ref reader, out var urlOutcome))
        {
            return urlOutcome;
        }

        // The value's text: a string's characters, else its JSON text (an object or array as it arrived).
        var start = (int)reader.TokenStartIndex;
        if (container)
        {
            reader.Skip();
        }

        var raw = reader.TokenType == JsonTokenType.String ? reader.ValueSpan : container ? json[start..(int)reader.BytesConsumed] : reader.ValueSpan;
        Span<char> stack = _chars; // the pass's own buffer: no stack buffer cleared per ruled field
        char[]? rented = null;
        try
        {
            scoped ReadOnlySpan<char> text;
            if (reader.TokenType == JsonTokenType.String && reader.ValueIsEscaped)
            {
                text = reader.GetString();
            }
            else if (Ascii.IsValid(raw))
            {
                var chars = raw.Length <= stack.Length ? stack[..raw.Length] : (rented = ArrayPool<char>.Shared.Rent(raw.Length)).AsSpan(0, raw.Length);
                Ascii.ToUtf16(raw, chars, out _);
                text = chars;
            }
            else
            {
                text = Encoding.UTF8.GetString(raw);
            }

            var result = rule.Action == PrivacyAction.Hash ? _values.Hash(rule.Kind, text) : _values.Mask(rule.Kind, text);
            if (text.SequenceEqual(result))
            {
                if (!container)
                {
                    return Copy(ref reader) ? Outcome.Kept : Outcome.Bail;
                }

                var again = new Utf8JsonReader(raw, _readerOptions);
                again.Read();
                return Copy(ref again) ? Outcome.Kept : Outcome.Bail;
            }

            WriteReplacement(result);
            return Outcome.Replaced;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>A URL masked from its bytes (<see cref="PlainUrls.TryMaskUtf8"/>, as the writer walk does); false when it is not a plain URL.</summary>
    private bool TryPlainUrl(ref Utf8JsonReader reader, out Outcome outcome)
    {
        outcome = Outcome.Bail;
        switch (PlainUrls.TryMaskUtf8(reader.ValueSpan, reader.ValueIsEscaped, _scrubber, out var masked))
        {
            case PlainUrls.Outcome.Masked:
                WriteReplacement(masked!);
                outcome = Outcome.Replaced;
                return true;
            case PlainUrls.Outcome.Unchanged:
                outcome = Copy(ref reader) ? Outcome.Kept : Outcome.Bail;
                return true;
            default:
                return false;
        }
    }

    /// <summary>As <see cref="AbsentValues.IsAbsent"/>, from the token.</summary>
    private static bool IsAbsent(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Null => true,
        JsonTokenType.String => AbsentValues.IsAbsentRaw(reader.ValueSpan, reader.ValueIsEscaped) ?? AbsentValues.IsAbsentText(reader.GetString()),
        _ => false,
    };

    /// <summary>
    /// Copies the value the reader is on (with everything inside it) as <see cref="Utf8JsonWriter"/> writes it, and writes
    /// its canonical form. False for what only the writer walk takes (a name with an escape or a non-ASCII character).
    /// </summary>
    private bool Copy(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                Append((byte)'{');
                var open = _canonical.OpenObject();
                var first = true;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.ValueSpan;
                    if (reader.ValueIsEscaped || !IsPlain(name))
                    {
                        return false;
                    }

                    var start = _canonical.MemberStart;
                    AppendName(name, ref first);
                    _canonical.Name(ref reader);
                    reader.Read();
                    if (!Copy(ref reader))
                    {
                        return false;
                    }

                    _canonical.EndMember(start);
                }

                Append((byte)'}');
                _canonical.CloseObject(open);
                return true;
            case JsonTokenType.StartArray:
                return Items(ref reader, default, applyRules: false);
            case JsonTokenType.String:
                var raw = reader.ValueSpan;
                if (!reader.ValueIsEscaped && IsPlain(raw))
                {
                    AppendQuoted(raw);
                }
                else
                {
                    AppendEscaped(ref reader);
                }

                _canonical.Scalar(ref reader);
                return true;
            default:
                Append(reader.ValueSpan); // a number as it arrived (as the writer copies it), true, false, null
                _canonical.Scalar(ref reader);
                return true;
        }
    }

    /// <summary>A replacement value: the string and its canonical form.</summary>
    private void WriteReplacement(string value)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        var rented = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            var utf8 = rented.AsSpan(0, Encoding.UTF8.GetBytes(value, rented));
            if (IsPlain(utf8))
            {
                AppendQuoted(utf8);
            }
            else
            {
                var escaper = Escaper();
                escaper.WriteStringValue(utf8);
                escaper.Flush();
                Append(_escaped.WrittenSpan);
            }

            _canonical.StringText(utf8);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Bytes <see cref="Utf8JsonWriter"/> (relaxed escaping) writes as they are: printable ASCII (no quote or backslash, absent from a raw token without escapes).</summary>
    private static bool IsPlain(ReadOnlySpan<byte> text) => !text.ContainsAnyExceptInRange((byte)0x20, (byte)0x7E) && !text.ContainsAny((byte)'"', (byte)'\\');

    private void AppendName(ReadOnlySpan<byte> name, ref bool first)
    {
        var target = _output.Reserve(name.Length + 4);
        var at = 0;
        if (!first)
        {
            target[at++] = (byte)',';
        }

        first = false;
        target[at++] = (byte)'"';
        name.CopyTo(target[at..]);
        at += name.Length;
        target[at++] = (byte)'"';
        target[at++] = (byte)':';
        _output.Length += at;
    }

    private void AppendQuoted(ReadOnlySpan<byte> text)
    {
        var target = _output.Reserve(text.Length + 2);
        target[0] = (byte)'"';
        text.CopyTo(target[1..]);
        target[text.Length + 1] = (byte)'"';
        _output.Length += text.Length + 2;
    }

    /// <summary>A string the writer escapes (a non-ASCII character, an escape in the input): written through the writer itself.</summary>
    private void AppendEscaped(ref Utf8JsonReader reader)
    {
        var escaper = Escaper();
        if (reader.ValueIsEscaped)
        {
            var rented = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
            try
            {
                escaper.WriteStringValue(rented.AsSpan(0, reader.CopyString(rented)));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
        else
        {
            escaper.WriteStringValue(reader.ValueSpan);
        }

        escaper.Flush();
        Append(_escaped.WrittenSpan);
    }

    /// <summary>The thread's writer, empty, writing into <see cref="_escaped"/>.</summary>
    private Utf8JsonWriter Escaper()
    {
        _escaped.ResetWrittenCount();
        if (t_escaper is { } escaper)
        {
            escaper.Reset(_escaped);
            return escaper;
        }

        return t_escaper = new Utf8JsonWriter(_escaped, _writerOptions);
    }

    private void Append(byte value) => _output.Append(value);

    private void Append(ReadOnlySpan<byte> value) => _output.Append(value);
}
