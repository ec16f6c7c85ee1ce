using System.Buffers;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace AcsFunctions.Privacy;

/// <summary>
/// Keyed, stable pseudonyms: <c>h:</c> + the first 96 bits of HMAC-SHA256(key, normalised value) as 24 lowercase
/// hex characters. The same value hashes alike on every machine and run with the same key; without the key a
/// hash cannot be reversed or recomputed (unlike a plain hash of a phone number). Values are normalised first so
/// one identity hashes alike wherever it appears (see <see cref="Normalize"/>). Thread-safe.
/// </summary>
public sealed class KeyedHasher
{
    /// <summary>The prefix every hash starts with.</summary>
    public const string Prefix = "h:";

    /// <summary>Hex characters after the prefix.</summary>
    public const int HexLength = 24;

    private static readonly SearchValues<char> _hex = SearchValues.Create("0123456789abcdef");
    [ThreadStatic]
    private static IncrementalHash? t_hmac;

    [ThreadStatic]
    private static KeyedHasher? t_owner;

    private readonly byte[] _key;

    /// <summary>Creates a hasher for <paramref name="key"/> (its UTF-8 bytes are the HMAC key).</summary>
    public KeyedHasher(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        _key = Encoding.UTF8.GetBytes(key);
    }

    /// <summary>True when <paramref name="text"/> already is a hash made by this policy.</summary>
    public static bool IsHash(ReadOnlySpan<char> text) =>
        text.Length == Prefix.Length + HexLength && text.StartsWith(Prefix, StringComparison.Ordinal) && !text[Prefix.Length..].ContainsAnyExcept(_hex);

    /// <summary>The hash of one identifier (normalised first).</summary>
    public string Hash(string value) => HashExact(Normalize(value));

    /// <summary>The hash of a value exactly as given (for free text and JSON payloads).</summary>
    public string HashExact(string value)
    {
        if (IsHash(value))
        {
            return value; // already a pseudonym (re-ingesting our own output)
        }

        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        var rented = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            var length = Encoding.UTF8.GetBytes(value, rented);
            Span<byte> mac = stackalloc byte[32];

            // One keyed HMAC object per thread (and hasher): the one-shot HMACSHA256.HashData sets the key up in a new
            // native context on every call, which costs several times the hashing of a short value.
            if (!ReferenceEquals(t_owner, this) || t_hmac is null)
            {
                t_hmac?.Dispose();
                t_hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
                t_owner = this;
            }

            t_hmac.AppendData(rented, 0, length);
            t_hmac.GetHashAndReset(mac);
            Span<char> text = stackalloc char[Prefix.Length + HexLength];
            Prefix.CopyTo(text);
            Convert.TryToHexStringLower(mac[..(HexLength / 2)], text[Prefix.Length..], out _);
            return new string(text); // one string (not the hex and then the prefixed copy)
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// The normal form hashed for an identifier: trimmed; ACS/Teams identities lower-cased without the <c>8:</c>
    /// type prefix (<c>8:acs:…</c> ≡ <c>acs:…</c>); phone numbers as <c>+</c> and digits (<c>tel:</c>, <c>4:</c>,
    /// spaces, dashes and parentheses removed); e-mail addresses lower-cased; IP addresses in their canonical text.
    /// </summary>
    public static string Normalize(string value)
    {
        var text = value.Trim();
        if (TextPatterns.TryNormalizePhone(text, out var phone))
        {
            return phone;
        }

        if (TextPatterns.IsIdentity(text))
        {
            // Usually already lower case ASCII: then only the type prefix is cut (one string instead of two).
            var span = text.AsSpan();
            if (Ascii.IsValid(span) && !span.ContainsAnyInRange('A', 'Z'))
            {
                return span.StartsWith("8:", StringComparison.Ordinal) ? text[2..] : text;
            }

            var lower = text.ToLowerInvariant();
            return lower.StartsWith("8:", StringComparison.Ordinal) ? lower[2..] : lower;
        }

        if (TextPatterns.IsEmail(text))
        {
            return text.ToLowerInvariant();
        }

        if (IPAddress.TryParse(text, out var ip) && text.AsSpan().ContainsAny(".:"))
        {
            return ip.ToString();
        }

        return text;
    }
}
