using System.Security.Cryptography;
using System.Text;

namespace AcsFunctions.Storage;

/// <summary>
/// Makes any string safe as a Table Storage PartitionKey/RowKey component: the forbidden characters
/// (<c>/ \ # ?</c>, U+0000–U+001F, U+007F–U+009F), <c>%</c> itself and <c>|</c> — the separator <see cref="Join"/> puts
/// between components, so <c>("Get|Thread", "200")</c> and <c>("Get", "Thread|200")</c> stay two keys — are
/// percent-encoded, and a key longer than <see cref="MaxKeyLength"/> is shortened with a hash suffix (still deterministic).
/// </summary>
public static class KeyEncoder
{
    /// <summary>
    /// Maximum key length in characters: 512. The service allows "1 KiB", which its docs also give as 1,024
    /// characters, but keys are UTF-16 and Azurite rejects anything over 512 characters — 512 is safe for both.
    /// </summary>
    public const int MaxKeyLength = 512;

    /// <summary>Encodes one key component.</summary>
    public static string Encode(string value)
    {
        var needs = false;
        foreach (var c in value)
        {
            if (NeedsEncoding(c))
            {
                needs = true;
                break;
            }
        }

        if (!needs)
        {
            return value;
        }

        var sb = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (NeedsEncoding(c))
            {
                sb.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    /// <summary>Reverses <see cref="Encode"/>.</summary>
    public static string Decode(string value)
    {
        if (!value.Contains('%', StringComparison.Ordinal))
        {
            return value;
        }

        var sb = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '%' && i + 2 < value.Length &&
                int.TryParse(value.AsSpan(i + 1, 2), System.Globalization.NumberStyles.HexNumber, null, out var code))
            {
                sb.Append((char)code);
                i += 2;
            }
            else
            {
                sb.Append(value[i]);
            }
        }

        return sb.ToString();
    }

    /// <summary>Joins encoded components with <c>|</c> and caps the total length.</summary>
    public static string Join(params ReadOnlySpan<string> components)
    {
        switch (components.Length)
        {
            // The common shapes in one allocation each.
            case 2:
                return Cap(string.Join('|', Encode(components[0]), Encode(components[1])));
            case 3:
                return Cap(string.Join('|', Encode(components[0]), Encode(components[1]), Encode(components[2])));
        }

        var sb = new StringBuilder();
        for (var i = 0; i < components.Length; i++)
        {
            if (i > 0)
            {
                sb.Append('|');
            }

            sb.Append(Encode(components[i]));
        }

        return Cap(sb.ToString());
    }

    /// <summary>Shortens a key over <paramref name="maxLength"/> (default <see cref="MaxKeyLength"/>) to a prefix plus a hash of the whole key.</summary>
    public static string Cap(string key, int maxLength = MaxKeyLength)
    {
        if (key.Length <= maxLength)
        {
            return key;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 16));
        return string.Concat(key.AsSpan(0, maxLength - 34), "~", hash, "~");
    }

    private static bool NeedsEncoding(char c) => IsForbidden(c) || c is '%' or '|';

    /// <summary>True for characters Table Storage rejects in keys.</summary>
    public static bool IsForbidden(char c) =>
        c is '/' or '\\' or '#' or '?' || c <= '\u001F' || (c >= '\u007F' && c <= '\u009F');
}
