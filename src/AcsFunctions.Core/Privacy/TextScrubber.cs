using System.Text;
using System.Text.RegularExpressions;
using AcsFunctions.Records;

namespace AcsFunctions.Privacy;

/// <summary>
/// Replaces personal tokens inside text (see <see cref="TextPatterns"/>): identities, e-mail addresses and phone
/// numbers by their keyed hash — the same hash the field would get, so a dead letter still points at the
/// participant — and IP addresses by their mask. Everything else is left byte for byte. Thread-safe.
/// </summary>
public sealed class TextScrubber
{
    private readonly KeyedHasher _hasher;
    private readonly MatchEvaluator _evaluator;

    // Text that needs the pattern scan repeats (URL paths, status messages, user agents): each distinct text is scanned once.
    private readonly BoundedCache<string> _scrubbed = new(maxKeyLength: 256);

    /// <summary>Creates a scrubber that hashes with <paramref name="hasher"/>.</summary>
    public TextScrubber(KeyedHasher hasher)
    {
        _hasher = hasher;
        _evaluator = Replace;
    }

    /// <summary>The text with every personal token replaced (the same instance when there is none).</summary>
    public string Scrub(string text)
    {
        if (text.Length == 0 || !TextPatterns.MayContainPersonal(text))
        {
            return text;
        }

        return _scrubbed.GetOrAdd(text, this, static (t, self) => self.ScrubUncached(t));
    }

    /// <summary>
    /// True when a member name is itself personal data (an e-mail, a phone number, an IP address) and is stored
    /// scrubbed; the one test both privacy paths (the reader pass and the writer walk) use.
    /// </summary>
    internal bool NameNeedsScrub(ReadOnlySpan<char> name)
    {
        if (!TextPatterns.MayContainPersonal(name))
        {
            return false;
        }

        var text = name.ToString();
        return !string.Equals(text, Scrub(text), StringComparison.Ordinal);
    }

    /// <summary>
    /// Scrubs bytes that are not (valid) JSON: they are read one byte per character (Latin-1), so bytes that are not
    /// valid UTF-8 survive untouched; the patterns are ASCII. Returns <paramref name="payload"/> itself when nothing matched.
    /// </summary>
    public ReadOnlyMemory<byte> ScrubBytes(ReadOnlyMemory<byte> payload)
    {
        if (payload.IsEmpty)
        {
            return payload;
        }

        var text = Encoding.Latin1.GetString(payload.Span);
        var scrubbed = Scrub(text);
        return ReferenceEquals(text, scrubbed) || string.Equals(text, scrubbed, StringComparison.Ordinal)
            ? payload
            : Encoding.Latin1.GetBytes(scrubbed);
    }

    private string ScrubUncached(string text)
    {
        var scrubbed = TextPatterns.Personal().Replace(text, _evaluator);
        return string.Equals(scrubbed, text, StringComparison.Ordinal) ? text : scrubbed;
    }

    private string Replace(Match match)
    {
        var value = match.Value;
        if (match.Groups[TextPatterns.Ipv4Group].Success || match.Groups[TextPatterns.Ipv6Group].Success)
        {
            return Masking.MaskIp(value) ?? value; // not an address after all (e.g. a time "10:15:02")
        }

        if (match.Groups[TextPatterns.PhoneGroup].Success)
        {
            var decoded = value.Replace("%2B", "+", StringComparison.OrdinalIgnoreCase).Replace("%3A", ":", StringComparison.OrdinalIgnoreCase);
            return TextPatterns.TryNormalizePhone(decoded, out var phone) ? _hasher.HashExact(phone) : value;
        }

        if (match.Groups[TextPatterns.EmailGroup].Success)
        {
            return _hasher.Hash(value.Replace("%40", "@", StringComparison.OrdinalIgnoreCase));
        }

        return _hasher.Hash(value.Replace("%3A", ":", StringComparison.OrdinalIgnoreCase));
    }
}
