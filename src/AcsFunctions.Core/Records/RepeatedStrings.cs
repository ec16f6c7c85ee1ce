using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace AcsFunctions.Records;

/// <summary>
/// Long JSON string values that repeat record after record — the resource id every record carries (~190 characters),
/// a service's request URI, a user agent — read as one shared instance instead of a new string each time: a small
/// direct-mapped table per thread (one value per slot, the newest wins), so a value that does not repeat costs a
/// comparison and nothing is held beyond <see cref="Slots"/> strings. <see cref="ShortStrings"/> covers the short ones.
/// </summary>
internal static class RepeatedStrings
{
    /// <summary>Longest value (in UTF-8 bytes) looked up.</summary>
    public const int MaxLength = 512;

    private const int Slots = 64;

    [ThreadStatic]
    private static string?[]? t_slots;

    /// <summary>
    /// The value of a JSON string (<paramref name="quoted"/>: its raw UTF-8 text, quotes included) of up to
    /// <see cref="MaxLength"/> bytes without escape sequences — exactly what <see cref="JsonElement.GetString"/>
    /// returns, but shared when it repeats; false otherwise.
    /// </summary>
    public static bool TryGet(ReadOnlySpan<byte> quoted, out string text)
    {
        var utf8 = quoted.Length >= 2 ? quoted[1..^1] : [];
        if (utf8.Length == 0 || utf8.Length > MaxLength || utf8.Contains((byte)'\\'))
        {
            text = string.Empty;
            return false;
        }

        var slots = t_slots ??= new string?[Slots];
        ref var slot = ref slots[Slot(utf8)];

        // A plain ASCII value (nearly all) is compared by its bytes and decoded only when it is not the cached one
        // (issue 18: no 1 KiB character buffer cleared and filled per lookup).
        if (Ascii.IsValid(utf8))
        {
            if (slot is { } same && same.Length == utf8.Length && Ascii.Equals(utf8, same))
            {
                text = same;
                return true;
            }

            text = slot = Encoding.ASCII.GetString(utf8);
            return true;
        }

        Span<char> chars = stackalloc char[MaxLength];
        var value = chars[..Encoding.UTF8.GetChars(utf8, chars)];
        if (slot is { } cached && value.SequenceEqual(cached))
        {
            text = cached;
            return true;
        }

        text = value.ToString();
        slot = text;
        return true;
    }

    // The length and three 8-byte samples (start, middle, end): values that share a prefix (URIs of one service)
    // still spread over the slots. A collision only costs the string this table would have saved.
    private static int Slot(ReadOnlySpan<byte> utf8)
    {
        var hash = (ulong)utf8.Length;
        if (utf8.Length >= 8)
        {
            hash ^= BinaryPrimitives.ReadUInt64LittleEndian(utf8);
            hash = (hash * 0x9E3779B97F4A7C15UL) ^ BinaryPrimitives.ReadUInt64LittleEndian(utf8[((utf8.Length - 8) / 2)..]);
            hash = (hash * 0x9E3779B97F4A7C15UL) ^ BinaryPrimitives.ReadUInt64LittleEndian(utf8[^8..]);
        }

        return (int)((hash * 0x9E3779B97F4A7C15UL) >> 58);
    }
}
