using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;

namespace AcsFunctions.Records;

/// <summary>
/// Writes the canonical form that <see cref="RecordId"/> hashes: <c>{</c> sorted members <c>}</c>, <c>[</c> items
/// <c>]</c>, <c>k</c>/<c>s</c> + length + bytes for names/strings, <c>n</c> + digits <c>e</c> exponent <c>;</c> for
/// numbers, <c>t</c> + UTC ticks for times, <c>T F Z</c> for true, false, null. Text that is not valid JSON is hashed
/// as it is (tag <c>x</c>). One instance per thread; <see cref="CanonicalBuffer.Release"/> after each record.
/// </summary>
internal sealed class RecordCanonicalizer : CanonicalBuffer
{
    private const int MaxDepth = 64;
    private static readonly JsonReaderOptions _readerOptions = new() { MaxDepth = MaxDepth };

    /// <summary>The canonical bytes of <paramref name="json"/> (valid until <see cref="CanonicalBuffer.Release"/>).</summary>
    public ReadOnlySpan<byte> Write(ReadOnlySpan<byte> json)
    {
        Rent(json.Length);
        try
        {
            var reader = new Utf8JsonReader(json, _readerOptions);
            if (reader.Read())
            {
                WriteValue(ref reader);
                if (!reader.Read())
                {
                    return Written;
                }
            }
        }
        catch (JsonException)
        {
        }

        // Not one JSON value (callers pass parsed records, so this is defensive): hash the bytes as they are.
        Length = 0;
        Append((byte)'x');
        Append(json);
        return Written;
    }

    /// <summary>Starts the canonical form of a record of about <paramref name="jsonLength"/> bytes written token by token (see <see cref="RecordId.Finish"/>).</summary>
    public void Begin(int jsonLength) => Rent(jsonLength);

    /// <summary>The canonical form of the scalar token the reader is on (string, number, true, false or null).</summary>
    public void Scalar(ref Utf8JsonReader reader) => WriteValue(ref reader);

    /// <summary>The canonical form of a string value given by its unescaped UTF-8 text (a value the privacy policy replaced).</summary>
    public void StringText(ReadOnlySpan<byte> text) => WriteStringText(text);

    /// <summary>The canonical form of the member name the reader is on.</summary>
    public void Name(ref Utf8JsonReader reader) => WriteName(ref reader);

    /// <summary>Opens an object: pass the result to <see cref="CloseObject"/>.</summary>
    public (int FirstMember, int BodyStart) OpenObject()
    {
        Append((byte)'{');
        return (MemberCount, Length);
    }

    /// <summary>Where the next member starts (pass it to <see cref="EndMember"/> once its name and value are written).</summary>
    public int MemberStart => Length;

    /// <summary>Ends a member started at <paramref name="start"/>.</summary>
    public void EndMember(int start) => AddMember(start, Length - start);

    /// <summary>Closes an object: its members are sorted.</summary>
    public void CloseObject((int FirstMember, int BodyStart) open)
    {
        SortMembers(open.FirstMember, open.BodyStart);
        Append((byte)'}');
    }

    /// <summary>Opens an array.</summary>
    public void OpenArray() => Append((byte)'[');

    /// <summary>Closes an array.</summary>
    public void CloseArray() => Append((byte)']');

    /// <summary>The canonical bytes written since <see cref="Begin"/>.</summary>
    public ReadOnlySpan<byte> Canonical => Written;

    private void WriteValue(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                WriteObject(ref reader);
                break;
            case JsonTokenType.StartArray:
                Append((byte)'[');
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    WriteValue(ref reader);
                }

                Append((byte)']');
                break;
            case JsonTokenType.String:
                WriteString(ref reader);
                break;
            case JsonTokenType.Number:
                WriteNumber(reader.ValueSpan);
                break;
            case JsonTokenType.True:
                Append((byte)'T');
                break;
            case JsonTokenType.False:
                Append((byte)'F');
                break;
            default:
                Append((byte)'Z');
                break;
        }
    }

    private void WriteObject(ref Utf8JsonReader reader)
    {
        Append((byte)'{');
        var firstMember = MemberCount;
        var bodyStart = Length;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var start = Length;
            WriteName(ref reader);
            reader.Read();
            WriteValue(ref reader);
            AddMember(start, Length - start);
        }

        SortMembers(firstMember, bodyStart);
        Append((byte)'}');
    }

    private void WriteString(ref Utf8JsonReader reader)
    {
        byte[]? rented = null;
        var text = Unescape(ref reader, ref rented);
        try
        {
            WriteStringText(text);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private void WriteStringText(ReadOnlySpan<byte> text)
    {
        if (JsonNumberText.IsJsonNumber(text))
        {
            WriteNumber(text);
        }
        else if (!TryWriteTime(text) && !TryWriteEmbedded(text))
        {
            AppendText((byte)'s', text);
        }
    }

    /// <summary>A member name: tag <c>k</c>, ASCII-case-folded.</summary>
    private void WriteName(ref Utf8JsonReader reader)
    {
        byte[]? rented = null;
        var text = Unescape(ref reader, ref rented);
        var start = Length + 1 + 4;
        AppendText((byte)'k', text);
        FoldCase(start, text.Length);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static ReadOnlySpan<byte> Unescape(ref Utf8JsonReader reader, ref byte[]? rented)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan;
        }

        rented = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
        try
        {
            var length = reader.CopyString(rented);
            return rented.AsSpan(0, length);
        }
        catch (InvalidOperationException)
        {
            // A lone surrogate escape (JSON-legal, not transcodable): compare the escaped text as it is.
            return reader.ValueSpan;
        }
    }

    /// <summary>A string holding a JSON object or array is hashed as that value.</summary>
    private bool TryWriteEmbedded(ReadOnlySpan<byte> text)
    {
        var trimmed = text.TrimStart(" \t\r\n"u8);
        if (trimmed.IsEmpty || (trimmed[0] != (byte)'{' && trimmed[0] != (byte)'['))
        {
            return false;
        }

        var length = Length;
        var members = MemberCount;
        try
        {
            var reader = new Utf8JsonReader(text, _readerOptions);
            if (reader.Read())
            {
                WriteValue(ref reader);
                if (!reader.Read())
                {
                    return true;
                }
            }
        }
        catch (JsonException)
        {
        }

        Length = length;
        MemberCount = members;
        return false;
    }

    /// <summary>An ISO-8601 date-time (<c>yyyy-MM-ddTHH:mm…</c>) becomes its UTC ticks.</summary>
    private bool TryWriteTime(ReadOnlySpan<byte> text)
    {
        if (text.Length is < 16 or > 48 || !JsonNumberText.IsDigits(text[..4]) || text[4] != (byte)'-' || text[7] != (byte)'-' ||
            text[10] is not ((byte)'T' or (byte)'t' or (byte)' ') || text[13] != (byte)':')
        {
            return false;
        }

        if (!IsoTimestamps.TryParseUtcTicks(text, out var ticks) && !TryParseAny(text, out ticks))
        {
            return false;
        }

        Append((byte)'t');
        BinaryPrimitives.WriteInt64BigEndian(Reserve(8), ticks);
        Length += 8;
        return true;
    }

    /// <summary>Any ISO-8601 form <see cref="DateTimeOffset.TryParse(ReadOnlySpan{char}, IFormatProvider?, DateTimeStyles, out DateTimeOffset)"/> reads, as UTC ticks.</summary>
    private static bool TryParseAny(ReadOnlySpan<byte> text, out long ticks)
    {
        ticks = 0;
        Span<char> chars = stackalloc char[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] > 0x7F)
            {
                return false;
            }

            chars[i] = (char)text[i];
        }

        if (!DateTimeOffset.TryParse(chars, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            return false;
        }

        ticks = time.UtcTicks;
        return true;
    }

    /// <summary>
    /// Exact decimal value: significant digits without leading/trailing zeros and the position of the decimal
    /// point (<c>21</c>, <c>21.0</c>, <c>2.1e1</c> → <c>n21e2;</c>). An exponent too large to add up is kept as text.
    /// </summary>
    private void WriteNumber(ReadOnlySpan<byte> number)
    {
        var negative = number[0] == (byte)'-';
        var rest = negative ? number[1..] : number;
        var e = rest.IndexOfAny((byte)'e', (byte)'E');
        var mantissa = e < 0 ? rest : rest[..e];
        long exponent = 0;
        if (e >= 0)
        {
            var expText = rest[(e + 1)..];
            if (expText.Length > 16 || !long.TryParse(expText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent))
            {
                AppendText((byte)'N', number);
                return;
            }
        }

        var dot = mantissa.IndexOf((byte)'.');
        var integer = dot < 0 ? mantissa : mantissa[..dot];
        var fraction = dot < 0 ? [] : mantissa[(dot + 1)..];
        var point = integer.Length + exponent;

        // The digits are integer + fraction; skip leading zeros (moving the point) and trailing zeros.
        var leading = 0;
        var total = integer.Length + fraction.Length;
        while (leading < total && Digit(integer, fraction, leading) == (byte)'0')
        {
            leading++;
        }

        var last = total;
        while (last > leading && Digit(integer, fraction, last - 1) == (byte)'0')
        {
            last--;
        }

        Append((byte)'n');
        if (leading == last)
        {
            Append((byte)'0');
            Append((byte)';');
            return;
        }

        if (negative)
        {
            Append((byte)'-');
        }

        var digits = Reserve(last - leading);
        for (var i = leading; i < last; i++)
        {
            digits[i - leading] = Digit(integer, fraction, i);
        }

        Length += last - leading;
        Append((byte)'e');
        (point - leading).TryFormat(Reserve(24), out var written, default, CultureInfo.InvariantCulture);
        Length += written;
        Append((byte)';');
    }

    private static byte Digit(ReadOnlySpan<byte> integer, ReadOnlySpan<byte> fraction, int index) =>
        index < integer.Length ? integer[index] : fraction[index - integer.Length];
}
