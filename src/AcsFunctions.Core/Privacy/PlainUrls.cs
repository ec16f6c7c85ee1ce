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
    private const int MaxLength = 2048;

    // Printable ASCII that Uri leaves as it is in a path or query: not " # % < > ? [ \ ] ^ ` { | } (escaped, cut or
    // special); '%' is checked separately.
    private static readonly SearchValues<char> _kept = SearchValues.Create("!$&'()*+,-./0123456789:;=@ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~");
    private static readonly SearchValues<char> _hostChars = SearchValues.Create("-.0123456789abcdefghijklmnopqrstuvwxyz");

    /// <summary>The mask of <paramref name="text"/> when it is a plain URL (the same instance when nothing changes); else null.</summary>
    public static string? TryMask(string text, TextScrubber scrubber)
    {
        var span = text.AsSpan();
        var schemeLength = span.StartsWith("https://", StringComparison.Ordinal) ? 8 : span.StartsWith("http://", StringComparison.Ordinal) ? 7 : 0;
        if (schemeLength == 0 || span.Length > MaxLength)
        {
            return null;
        }

        var rest = span[schemeLength..];
        var hostEnd = rest.IndexOfAnyExcept(_hostChars);
        if (hostEnd <= 0 || rest[hostEnd] != '/' || !IsHostName(rest[..hostEnd]))
        {
            return null;
        }

        var afterHost = rest[hostEnd..];
        var mark = afterHost.IndexOf('?');
        var path = mark < 0 ? afterHost : afterHost[..mark];
        var query = mark < 0 ? [] : afterHost[(mark + 1)..];
        if (!IsKept(path) || !IsKept(query) || HasDotSegment(path))
        {
            return null;
        }

        // Host and path through the scrubber (which returns its argument when it has nothing to replace), then the
        // query: names scrubbed, values replaced by '*' except api-version's.
        var hostStart = schemeLength;
        var pathStart = hostStart + hostEnd;
        var host = Scrub(text, hostStart, hostEnd, scrubber);
        var scrubbedPath = Scrub(text, pathStart, path.Length, scrubber);
        if (host is null && scrubbedPath is null && (mark < 0 || (query.Length > 0 && QueryIsMasked(query, scrubber))))
        {
            return text; // already in its masked form: no new string
        }

        var sb = new StringBuilder(text.Length);
        sb.Append(span[..schemeLength]).Append(host ?? text.AsSpan(hostStart, hostEnd).ToString());
        sb.Append(scrubbedPath ?? text.AsSpan(pathStart, path.Length).ToString());
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

        return sb.ToString();
    }

    private static bool IsApiVersion(ReadOnlySpan<char> name) => name.Equals("api-version", StringComparison.OrdinalIgnoreCase);

    /// <summary>The scrubbed part of <paramref name="text"/>, or null when the scrubber leaves it as it is.</summary>
    private static string? Scrub(string text, int start, int length, TextScrubber scrubber)
    {
        var part = text.AsSpan(start, length);
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
