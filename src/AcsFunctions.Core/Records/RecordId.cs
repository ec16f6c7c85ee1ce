using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace AcsFunctions.Records;

/// <summary>
/// Deterministic id of a record: SHA-256 over its <em>canonical form</em>, truncated to 128 bits (32 hex
/// characters). The same logical record gets the same id however it was serialized, so storing it is an
/// idempotent upsert even when the live stream and the storage archive write it differently:
/// <list type="bullet">
/// <item>white space and member order do not matter (members are sorted; names compare ASCII case-insensitively,
/// since services send <c>resourceId</c> as well as <c>resourceid</c>);</item>
/// <item>strings are compared unescaped (<c>\/</c>, <c>\u0043</c>);</item>
/// <item>numbers, and strings that are exactly a JSON number, compare by exact decimal value (<c>21</c>,
/// <c>"21"</c>, <c>21.0</c>, <c>2.1e1</c>); <c>"021"</c>, <c>"NaN"</c> stay text;</item>
/// <item>ISO-8601 date-times compare as UTC instants (<c>+00:00</c>, <c>Z</c>, <c>+01:00</c>, 3 or 7 fractional
/// digits); a time without offset is UTC, as everywhere in the pipeline;</item>
/// <item>a string that holds a JSON object or array (<c>properties</c> sent as a string) compares as that value.</item>
/// </list>
/// Every member of the record takes part, so two records that share their identifying fields (time, resource,
/// category, operation, correlation id) but differ anywhere else keep different ids. The walk is a single
/// <see cref="Utf8JsonReader"/> pass over the bytes in hand into one pooled buffer (no DOM, no strings).
/// </summary>
public static class RecordId
{
    private const int MaxDepth = 64;
    private static readonly JsonReaderOptions _readerOptions = new() { MaxDepth = MaxDepth };

    [ThreadStatic]
    private static IncrementalHash? t_sha;

    [ThreadStatic]
    private static Canonicalizer? t_canonicalizer;

    /// <summary>Computes the id of a record's UTF-8 JSON text (its canonical form; see the type's remarks).</summary>
    public static string Compute(ReadOnlySpan<byte> json)
    {
        var canonical = t_canonicalizer ??= new Canonicalizer();
        Span<byte> hash = stackalloc byte[32];
        try
        {
            var bytes = canonical.Write(json);

            // One reused hash object per thread: the one-shot SHA256.HashData sets up and frees a native digest
            // context on every call, which costs more than hashing a typical 1 KB record.
            var sha = t_sha ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            sha.AppendData(bytes);
            sha.GetHashAndReset(hash);
        }
        finally
        {
            canonical.Release();
        }

        return Convert.ToHexStringLower(hash[..16]);
    }

    /// <summary>The canonical bytes that <see cref="Compute"/> hashes (for tests and diagnostics).</summary>
    public static byte[] Canonical(ReadOnlySpan<byte> json)
    {
        var canonical = t_canonicalizer ??= new Canonicalizer();
        try
        {
            return canonical.Write(json).ToArray();
        }
        finally
        {
            canonical.Release();
        }
    }

    /// <summary>Hash of arbitrary bytes (for dead letters and blob names), 32 hex characters.</summary>
    public static string HashBytes(ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(data, hash);
        return Convert.ToHexStringLower(hash[..16]);
    }

    /// <summary>
    /// Writes the canonical form: <c>{</c> sorted members <c>}</c>, <c>[</c> items <c>]</c>, <c>k</c>/<c>s</c> +
    /// length + bytes for names/strings, <c>n</c> + digits <c>e</c> exponent <c>;</c> for numbers, <c>t</c> + UTC ticks
    /// for times, <c>T F Z</c> for true, false, null. Text that is not valid JSON is hashed as it is (tag <c>x</c>).
    /// </summary>
    private sealed class Canonicalizer
    {
        private byte[] _buffer = [];
        private int _length;
        private (int Start, int Length)[] _members = [];
        private int _memberCount;

        public ReadOnlySpan<byte> Write(ReadOnlySpan<byte> json)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(256, json.Length + 64));
            _members = ArrayPool<(int, int)>.Shared.Rent(64);
            _length = 0;
            _memberCount = 0;
            try
            {
                var reader = new Utf8JsonReader(json, _readerOptions);
                if (reader.Read())
                {
                    WriteValue(ref reader);
                    if (!reader.Read())
                    {
                        return _buffer.AsSpan(0, _length);
                    }
                }
            }
            catch (JsonException)
            {
            }

            // Not one JSON value (callers pass parsed records, so this is defensive): hash the bytes as they are.
            _length = 0;
            Append((byte)'x');
            Append(json);
            return _buffer.AsSpan(0, _length);
        }

        public void Release()
        {
            if (_buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = [];
            }

            if (_members.Length > 0)
            {
                ArrayPool<(int, int)>.Shared.Return(_members);
                _members = [];
            }
        }

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
            var firstMember = _memberCount;
            var bodyStart = _length;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var start = _length;
                WriteText((byte)'k', ref reader, foldCase: true);
                reader.Read();
                WriteValue(ref reader);
                AddMember(start, _length - start);
            }

            var count = _memberCount - firstMember;
            if (count > 1)
            {
                var members = _members.AsSpan(firstMember, count);
                members.Sort(new MemberComparer(_buffer));
                var size = _length - bodyStart;
                var scratch = ArrayPool<byte>.Shared.Rent(size);
                var at = 0;
                foreach (var (start, length) in members)
                {
                    _buffer.AsSpan(start, length).CopyTo(scratch.AsSpan(at));
                    at += length;
                }

                scratch.AsSpan(0, size).CopyTo(_buffer.AsSpan(bodyStart));
                ArrayPool<byte>.Shared.Return(scratch);
            }

            _memberCount = firstMember;
            Append((byte)'}');
        }

        private void WriteString(ref Utf8JsonReader reader)
        {
            byte[]? rented = null;
            var text = Unescape(ref reader, ref rented);
            try
            {
                if (IsJsonNumber(text))
                {
                    WriteNumber(text);
                }
                else if (!TryWriteTime(text) && !TryWriteEmbedded(text))
                {
                    AppendText((byte)'s', text);
                }
            }
            finally
            {
                if (rented is not null)
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
        }

        private void WriteText(byte tag, ref Utf8JsonReader reader, bool foldCase)
        {
            byte[]? rented = null;
            var text = Unescape(ref reader, ref rented);
            var start = _length + 1 + 4;
            AppendText(tag, text);
            if (foldCase)
            {
                var written = _buffer.AsSpan(start, text.Length);
                for (var i = 0; i < written.Length; i++)
                {
                    if (written[i] is >= (byte)'A' and <= (byte)'Z')
                    {
                        written[i] |= 0x20;
                    }
                }
            }

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

            var length = _length;
            var members = _memberCount;
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

            _length = length;
            _memberCount = members;
            return false;
        }

        /// <summary>An ISO-8601 date-time (<c>yyyy-MM-ddTHH:mm…</c>) becomes its UTC ticks.</summary>
        private bool TryWriteTime(ReadOnlySpan<byte> text)
        {
            if (text.Length is < 16 or > 48 || !IsDigits(text[..4]) || text[4] != (byte)'-' || text[7] != (byte)'-' ||
                text[10] is not ((byte)'T' or (byte)'t' or (byte)' ') || text[13] != (byte)':')
            {
                return false;
            }

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

            Append((byte)'t');
            Ensure(8);
            System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(_buffer.AsSpan(_length), time.UtcTicks);
            _length += 8;
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

            Ensure(last - leading);
            for (var i = leading; i < last; i++)
            {
                _buffer[_length++] = Digit(integer, fraction, i);
            }

            Append((byte)'e');
            Ensure(24);
            (point - leading).TryFormat(_buffer.AsSpan(_length), out var written, default, CultureInfo.InvariantCulture);
            _length += written;
            Append((byte)';');
        }

        private static byte Digit(ReadOnlySpan<byte> integer, ReadOnlySpan<byte> fraction, int index) =>
            index < integer.Length ? integer[index] : fraction[index - integer.Length];

        /// <summary>Strict JSON number grammar: <c>-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?</c>.</summary>
        private static bool IsJsonNumber(ReadOnlySpan<byte> text)
        {
            var i = 0;
            if (i < text.Length && text[i] == (byte)'-')
            {
                i++;
            }

            if (i >= text.Length || !char.IsAsciiDigit((char)text[i]))
            {
                return false;
            }

            i = text[i] == (byte)'0' ? i + 1 : SkipDigits(text, i);
            if (i < text.Length && text[i] == (byte)'.')
            {
                var start = ++i;
                if ((i = SkipDigits(text, i)) == start)
                {
                    return false;
                }
            }

            if (i < text.Length && (text[i] == (byte)'e' || text[i] == (byte)'E'))
            {
                i++;
                if (i < text.Length && (text[i] == (byte)'+' || text[i] == (byte)'-'))
                {
                    i++;
                }

                var start = i;
                if ((i = SkipDigits(text, i)) == start)
                {
                    return false;
                }
            }

            return i == text.Length;
        }

        /// <summary>The index of the first byte at or after <paramref name="i"/> that is not an ASCII digit.</summary>
        private static int SkipDigits(ReadOnlySpan<byte> text, int i)
        {
            while (i < text.Length && char.IsAsciiDigit((char)text[i]))
            {
                i++;
            }

            return i;
        }

        private static bool IsDigits(ReadOnlySpan<byte> text)
        {
            foreach (var b in text)
            {
                if (!char.IsAsciiDigit((char)b))
                {
                    return false;
                }
            }

            return true;
        }

        private void AddMember(int start, int length)
        {
            if (_memberCount == _members.Length)
            {
                var larger = ArrayPool<(int, int)>.Shared.Rent(_members.Length * 2);
                _members.AsSpan(0, _memberCount).CopyTo(larger);
                ArrayPool<(int, int)>.Shared.Return(_members);
                _members = larger;
            }

            _members[_memberCount++] = (start, length);
        }

        private void AppendText(byte tag, ReadOnlySpan<byte> text)
        {
            Ensure(5 + text.Length);
            _buffer[_length++] = tag;
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_length), text.Length);
            _length += 4;
            text.CopyTo(_buffer.AsSpan(_length));
            _length += text.Length;
        }

        private void Append(byte value)
        {
            Ensure(1);
            _buffer[_length++] = value;
        }

        private void Append(ReadOnlySpan<byte> value)
        {
            Ensure(value.Length);
            value.CopyTo(_buffer.AsSpan(_length));
            _length += value.Length;
        }

        private void Ensure(int more)
        {
            if (_length + more <= _buffer.Length)
            {
                return;
            }

            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + more));
            _buffer.AsSpan(0, _length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
    }

    /// <summary>Orders canonical members by their bytes (the name comes first, so effectively by name, then value).</summary>
    private readonly struct MemberComparer(byte[] buffer) : IComparer<(int Start, int Length)>
    {
        public int Compare((int Start, int Length) x, (int Start, int Length) y) =>
            buffer.AsSpan(x.Start, x.Length).SequenceCompareTo(buffer.AsSpan(y.Start, y.Length));
    }
}
