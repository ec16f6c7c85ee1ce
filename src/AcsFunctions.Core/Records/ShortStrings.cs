using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace AcsFunctions.Records;

/// <summary>
/// One string instance per distinct short JSON string value, per thread: status codes, operation names, SDK and
/// platform names, locations and categories repeat in nearly every record, so reading them allocates nothing after
/// the first time and the stored columns share one copy. Bounded (emptied when full). Plain ASCII values (nearly all)
/// are found by their UTF-8 bytes — hashed and compared as they are, without being decoded to characters first
/// (issue 18: this lookup ran for most fields of every record); others by their characters.
/// </summary>
internal static class ShortStrings
{
    private const int MaxLength = 48;
    private const int Capacity = 4096;
    private const int Slots = Capacity * 2; // open addressing, at most half full

    [ThreadStatic]
    private static Dictionary<string, string>? t_pool;

    [ThreadStatic]
    private static AsciiTable? t_ascii;

    /// <summary>
    /// The value of a JSON string element when it is short and has no escape sequences (exactly what
    /// <see cref="JsonElement.GetString"/> returns, but shared); false otherwise.
    /// </summary>
    public static bool TryGet(JsonElement element, out string text)
    {
        var raw = JsonMarshal.GetRawUtf8Value(element);
        if (raw.Length < 2 || raw.Length - 2 > MaxLength)
        {
            text = string.Empty;
            return false;
        }

        var utf8 = raw[1..^1];
        if (Ascii.IsValid(utf8))
        {
            if (utf8.Contains((byte)'\\'))
            {
                text = string.Empty;
                return false;
            }

            text = (t_ascii ??= new AsciiTable()).GetOrAdd(utf8);
            return true;
        }

        if (utf8.Contains((byte)'\\'))
        {
            text = string.Empty;
            return false;
        }

        Span<char> chars = stackalloc char[MaxLength];
        var value = chars[..Encoding.UTF8.GetChars(utf8, chars)];
        var pool = t_pool ??= new Dictionary<string, string>(StringComparer.Ordinal);
        if (pool.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(value, out var shared))
        {
            text = shared;
            return true;
        }

        text = value.ToString();
        if (pool.Count >= Capacity)
        {
            pool.Clear();
        }

        pool[text] = text;
        return true;
    }

    /// <summary>The ASCII values: an open-addressing table of strings keyed by a hash of their bytes, emptied when half full.</summary>
    private sealed class AsciiTable
    {
        private readonly string?[] _slots = new string?[Slots];
        private int _count;

        public string GetOrAdd(ReadOnlySpan<byte> ascii)
        {
            var slot = Hash(ascii) & (Slots - 1);
            while (_slots[slot] is { } candidate)
            {
                if (candidate.Length == ascii.Length && Ascii.Equals(ascii, candidate))
                {
                    return candidate;
                }

                slot = (slot + 1) & (Slots - 1);
            }

            var text = Encoding.ASCII.GetString(ascii);
            if (_count >= Capacity)
            {
                Array.Clear(_slots);
                _count = 0;
                slot = Hash(ascii) & (Slots - 1);
            }

            _slots[slot] = text;
            _count++;
            return text;
        }

        private static int Hash(ReadOnlySpan<byte> ascii)
        {
            const ulong Mix = 0x9E3779B97F4A7C15UL;
            var hash = (ulong)ascii.Length * Mix;
            var i = 0;
            for (; i + 8 <= ascii.Length; i += 8)
            {
                hash = (hash ^ BinaryPrimitives.ReadUInt64LittleEndian(ascii[i..])) * Mix;
            }

            if (i < ascii.Length)
            {
                var tail = 0UL;
                for (var j = ascii.Length - 1; j >= i; j--)
                {
                    tail = (tail << 8) | ascii[j];
                }

                hash = (hash ^ tail) * Mix;
            }

            return (int)(hash >> 33);
        }
    }
}
