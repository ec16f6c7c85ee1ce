using System.Buffers;
using System.Text;

namespace AcsFunctions.Privacy;

/// <summary>
/// The URL mask (<see cref="Masking.MaskUrl(string, Func{string, string})"/>) of the URLs ACS logs — lowercase
/// <c>http(s)://host/path?api-version=…</c> — computed from the text instead of a <see cref="Uri"/>: parsing a
/// <see cref="Uri"/> was most of the privacy stage's time and allocations, and almost every URL differs (ids in the
/// path), so caching cannot help. Only text whose <see cref="Uri"/> form is the text itself is taken: a lowercase DNS
/// host name without user info or port, a path of characters <see cref="Uri"/> keeps as they are (percent escapes
/// only of reserved ASCII characters, no dot segments), no fragment. Anything else returns null and goes through
/// <see cref="Uri"/>; tests compare both on generated URLs.
/// </summary>
internal static class PlainUrls
{
    /// <summary>The longest URL taken (in characters).</summary>
    public const int MaxLength = 2048;

    // Printable ASCII that Uri leaves as it is in a path or query: not " # % < > ? [ \ ] ^ ` { | } (escaped, cut or
    // special); '%' is checked separately.
    private static readonly SearchValues<char> _kept = SearchValues.Create("!$&'()*+,-./0123456789:;=@ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~");
    private static readonly SearchValues<char> _hostChars = SearchValues.Create("-.0123456789abcdefghijklmnopqrstuvwxyz");

    /// <summary>What <see cref="TryMask(ReadOnlySpan{char}, TextScrubber, out string?)"/> found.</summary>
    public enum Outcome
    {
        /// <summary>Not a plain URL: mask it through <see cref="Uri"/>.</summary>
        NotPlain,

        /// <summary>A plain URL already in its masked form.</summary>
        Unchanged,

        /// <summary>A plain URL whose mask differs from it.</summary>
        Masked,
    }

    /// <summary>
    /// Masks a string value from its raw JSON bytes (without quotes; <paramref name="escaped"/> when they hold an escape):
    /// <see cref="Outcome.Masked"/> only when the mask differs from the value (<paramref name="masked"/> is then set),
    /// <see cref="Outcome.Unchanged"/> when the value is its own mask (copied as it is, no string made),
    /// <see cref="Outcome.NotPlain"/> when it is not a plain URL. The one test both privacy paths use.
    /// </summary>
    public static Outcome TryMaskUtf8(ReadOnlySpan<byte> raw, bool escaped, TextScrubber scrubber, out string? masked)
    {
        masked = null;
        if (raw.Length > MaxLength || escaped || !Ascii.IsValid(raw))
        {
            return Outcome.NotPlain;
        }

        Span<char> chars = stackalloc char[raw.Length]; // ASCII without escapes: the same characters as the string
        Ascii.ToUtf16(raw, chars, out _);
        var outcome = TryMask(chars, scrubber, out masked);
        if (outcome == Outcome.Masked && chars.SequenceEqual(masked))
        {
            masked = null;
            return Outcome.Unchanged;
        }

        return outcome;
    }

    /// <summary>The mask of <paramref name="text"/> when it is a plain URL (the same instance when nothing changes); else null.</summary>
    public static string? TryMask(string text, TextScrubber scrubber) => TryMask(text.AsSpan(), scrubber, out var masked) switch
    {
        Outcome.Unchanged => text,
        Outcome.Masked => masked,
        _ => null,
    };

    /// <summary>
    /// Masks <paramref name="text"/> when it is a plain URL; <paramref name="masked"/> is set only for
    /// <see cref="Outcome.Masked"/>, so a URL that is already masked costs no string.
    /// </summary>
    public static Outcome TryMask(ReadOnlySpan<char> text, TextScrubber scrubber, out string? masked)
    {
        masked = null;
        var schemeLength = text.StartsWith("https://", StringComparison.Ordinal) ? 8 : text.StartsWith("http://", StringComparison.Ordinal) ? 7 : 0;
        if (schemeLength == 0 || text.Length > MaxLength)
        {
            return Outcome.NotPlain;
        }

        var rest = text[schemeLength..];
        var hostEnd = rest.IndexOfAnyExcept(_hostChars);
        if (hostEnd <= 0 || rest[hostEnd] != '/' || !IsHostName(rest[..hostEnd]))
        {
            return Outcome.NotPlain;
        }

        var hostText = rest[..hostEnd];
        var afterHost = rest[hostEnd..];
        var mark = afterHost.IndexOf('?');
        var path = mark < 0 ? afterHost : afterHost[..mark];
        var query = mark < 0 ? [] : afterHost[(mark + 1)..];
        if (!IsKept(path) || !IsKept(query) || HasDotSegment(path))
        {
            return Outcome.NotPlain;
        }

        // Host and path through the scrubber (which returns its argument when it has nothing to replace), then the
        // query: names scrubbed, values replaced by '*' except api-version's.
        var host = Scrub(hostText, scrubber);
        var scrubbedPath = Scrub(path, scrubber);
        if (host is null && scrubbedPath is null && (mark < 0 || (query.Length > 0 && QueryIsMasked(query, scrubber))))
        {
            return Outcome.Unchanged;
        }

        var sb = new StringBuilder(text.Length);
        sb.Append(text[..schemeLength]);
        _ = host is null ? sb.Append(hostText) : sb.Append(host);
        _ = scrubbedPath is null ? sb.Append(path) : sb.Append(scrubbedPath);
        if (query.Length > 0)
        {
            var separator = '?';
            foreach (var range in query.Split('&'))
            {
                var pair = query[range];
                var eq = pair.IndexOf('=');
                var name = eq < 0 ? pair : pair[..eq];
                sb.Append(separator).Append(scrubber.Scrub(name.ToString()));
                if (eq >= 0)
                {
                    sb.Append('=').Append(IsApiVersion(name) ? pair[(eq + 1)..] : Masking.Masked);
                }

                separator = '&';
            }
        }

        masked = sb.ToString();
        return Outcome.Masked;
    }

    private static bool IsApiVersion(ReadOnlySpan<char> name) => name.Equals("api-version", StringComparison.OrdinalIgnoreCase);

    /// <summary>The scrubbed <paramref name="part"/>, or null when the scrubber leaves it as it is.</summary>
    private static string? Scrub(ReadOnlySpan<char> part, TextScrubber scrubber)
    {
        if (!TextPatterns.MayContainPersonal(part))
        {
            return null;
        }

        var value = part.ToString();
        var scrubbed = scrubber.Scrub(value);
        return string.Equals(value, scrubbed, StringComparison.Ordinal) ? null : scrubbed;
    }

    /// <summary>True when the query would be written back as it is: each value is api-version's or already '*', no name changes.</summary>
    private static bool QueryIsMasked(ReadOnlySpan<char> query, TextScrubber scrubber)
    {
        foreach (var range in query.Split('&'))
        {
            var pair = query[range];
            var eq = pair.IndexOf('=');
            var name = eq < 0 ? pair : pair[..eq];
            if (TextPatterns.MayContainPersonal(name) && !name.SequenceEqual(scrubber.Scrub(name.ToString())))
            {
                return false;
            }

            if (eq >= 0 && !IsApiVersion(name) && !pair[(eq + 1)..].SequenceEqual(Masking.Masked))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Lowercase DNS labels of letters, digits and inner hyphens; the last starts with a letter (not an IPv4 address).</summary>
    private static bool IsHostName(ReadOnlySpan<char> host)
    {
        if (host.Length > 253)
        {
            return false;
        }

        var last = default(ReadOnlySpan<char>);
        foreach (var range in host.Split('.'))
        {
            var label = host[range];
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-' || label.StartsWith("xn--", StringComparison.Ordinal))
            {
                return false;
            }

            last = label;
        }

        return char.IsAsciiLetterLower(last[0]);
    }

    /// <summary>True when <see cref="Uri"/> keeps every character as it is: <see cref="_kept"/> and escapes of reserved ASCII.</summary>
    private static bool IsKept(ReadOnlySpan<char> text)
    {
        var position = 0;
        while (true)
        {
            var next = text[position..].IndexOfAnyExcept(_kept);
            if (next < 0)
            {
                return true;
            }

            position += next;
            if (text[position] != '%' || position + 2 >= text.Length || !char.IsAsciiHexDigit(text[position + 1]) || !char.IsAsciiHexDigit(text[position + 2]))
            {
                return false;
            }

            var value = (HexValue(text[position + 1]) << 4) | HexValue(text[position + 2]);
            if (value >= 0x80 || char.IsAsciiLetterOrDigit((char)value) || value is '-' or '.' or '_' or '~')
            {
                return false; // Uri decodes escaped unreserved characters; non-ASCII escapes are left to it
            }

            position += 3;
        }
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    private static bool HasDotSegment(ReadOnlySpan<char> path)
    {
        foreach (var range in path.Split('/'))
        {
            var segment = path[range];
            if (segment is "." or "..")
            {
                return true;
            }
        }

        return false;
    }
}
