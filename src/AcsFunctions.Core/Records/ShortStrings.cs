using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace AcsFunctions.Records;

/// <summary>
/// One string instance per distinct short JSON string value, per thread: status codes, operation names, SDK and
/// platform names, locations and categories repeat in nearly every record, so reading them allocates nothing after
/// the first time and the stored columns share one copy. Bounded (emptied when full).
/// </summary>
internal static class ShortStrings
{
    private const int MaxLength = 48;
    private const int Capacity = 4096;

    [ThreadStatic]
    private static Dictionary<string, string>? t_pool;

    /// <summary>
    /// The value of a JSON string element when it is short and has no escape sequences (exactly what
    /// <see cref="JsonElement.GetString"/> returns, but shared); false otherwise.
    /// </summary>
    public static bool TryGet(JsonElement element, out string text)
    {
        var raw = JsonMarshal.GetRawUtf8Value(element);
        if (raw.Length < 2 || raw.Length - 2 > MaxLength || raw[1..^1].Contains((byte)'\\'))
        {
            text = string.Empty;
            return false;
        }

        Span<char> chars = stackalloc char[MaxLength];
        var value = chars[..Encoding.UTF8.GetChars(raw[1..^1], chars)];
        var pool = t_pool ??= new Dictionary<string, string>(Capacity, StringComparer.Ordinal);
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
}
