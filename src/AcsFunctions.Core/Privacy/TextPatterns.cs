using System.Text;
using System.Text.RegularExpressions;

namespace AcsFunctions.Privacy;

/// <summary>
/// The patterns of personal data inside text: ACS/Teams identities (<c>8:acs:…</c>, <c>acs:…</c>, <c>8:orgid:…</c>,
/// also percent-encoded), e-mail addresses (also <c>%40</c>), E.164 phone numbers (a leading <c>+</c> is required,
/// so codes, sequence numbers and timestamps are left alone), IPv4 (not inside longer dotted numbers such as
/// <c>1.2.3.4.5</c>) and IPv6 addresses (validated by parsing).
/// </summary>
public static partial class TextPatterns
{
    /// <summary>Group names of <see cref="Personal"/>.</summary>
    public const string IdentityGroup = "identity", EmailGroup = "email", PhoneGroup = "phone", Ipv4Group = "ipv4", Ipv6Group = "ipv6";

    private static readonly System.Buffers.SearchValues<char> _personalHints = System.Buffers.SearchValues.Create("@+%");

    // The identity type prefixes of Personal() (gcch-acs and dod-acs end in acs).
    private static readonly string[] _identityPrefixes = ["acs", "orgid", "teamsvisitor", "gcch", "dod", "spool"];

    private static readonly HashSet<int> _twoDigitCountryCodes =
    [
        20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54, 55, 56, 57, 58,
        60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98,
    ];

    /// <summary>Every kind of personal token, one named group each.</summary>
    [GeneratedRegex(
        """
        (?<identity>(?<![\w:%])(?:\d{1,2}(?::|%3[Aa]))?(?i:acs|gcch-acs|dod-acs|orgid|teamsvisitor|gcch|dod|spool)(?::|%3[Aa])[\w\-.]*[\w\-])
        |(?<email>[\w.%+\-]+(?:@|%40)[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,63}\b)
        |(?<phone>(?<![\w+])(?:4(?::|%3[Aa]))?(?:\+|%2[Bb])\d[\d \-().]{5,20}\d)
        |(?<ipv6>(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{1,4})?(?:/\d{1,3})?(?![\w:]))
        |(?<ipv4>(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:/\d{1,2})?(?!\w|\.\d))
        """,
        RegexOptions.IgnorePatternWhitespace | RegexOptions.ExplicitCapture | RegexOptions.CultureInvariant)]
    public static partial Regex Personal();

    [GeneratedRegex(@"^(?:\d{1,2}:)?(?i:acs|gcch-acs|dod-acs|orgid|teamsvisitor|gcch|dod|spool):\S+$", RegexOptions.CultureInvariant)]
    private static partial Regex WholeIdentity();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$", RegexOptions.CultureInvariant)]
    private static partial Regex WholeEmail();

    [GeneratedRegex(@"^(?:tel:|4:)?\+?[\d \-().]{7,24}$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex WholePhone();

    /// <summary>
    /// A cheap test that text may hold any personal token (so most strings skip the regex): a necessary condition of
    /// every alternative of <see cref="Personal"/>. E-mail needs '@' (or "%40") followed by a domain whose last label
    /// is two or more letters ending at a word boundary (so "19%3Aabc%40thread.v2", a chat thread id, skips the regex),
    /// a phone number '+' (or "%2B") followed by a digit, an identity one of its type prefixes right before ':' (or
    /// "%3A"), IPv6 at least two ':', IPv4 a digit, '.' and a digit. URL paths such as "/sms" or
    /// "/notifications:receive" and host names skip the regex.
    /// </summary>
    public static bool MayContainPersonal(ReadOnlySpan<char> text)
    {
        for (var at = text.IndexOfAny(_personalHints); at >= 0;)
        {
            if (MayStartPersonal(text, at))
            {
                return true;
            }

            var next = text[(at + 1)..].IndexOfAny(_personalHints);
            at = next < 0 ? -1 : at + 1 + next;
        }

        var colon = text.IndexOf(':');
        if (colon >= 0)
        {
            if (text[(colon + 1)..].Contains(':') || EndsWithIdentityPrefix(text[..colon]))
            {
                return true; // IPv6 (or an identity with a numeric type prefix), or an identity
            }
        }

        // '\d' in the pattern is any Unicode decimal digit, as char.IsDigit.
        var start = 0;
        int dot;
        while ((dot = text[start..].IndexOf('.')) >= 0)
        {
            dot += start;
            if (dot > 0 && dot + 1 < text.Length && char.IsDigit(text[dot - 1]) && char.IsDigit(text[dot + 1]))
            {
                return true;
            }

            start = dot + 1;
        }

        return false;
    }

    /// <summary>Whether the '@', '+' or '%' at <paramref name="at"/> may start the part of a token that follows it.</summary>
    private static bool MayStartPersonal(ReadOnlySpan<char> text, int at)
    {
        switch (text[at])
        {
            case '@':
                return MayBeEmailDomain(text[(at + 1)..]);
            case '+':
                return MayBeDigit(text, at + 1);
            default:
                if (at + 2 >= text.Length)
                {
                    return false; // '%' without two characters after it: no escape the pattern knows
                }

                var (first, second) = (text[at + 1], text[at + 2]);
                return (first, second) switch
                {
                    ('4', '0') => MayBeEmailDomain(text[(at + 3)..]),
                    ('2', 'B' or 'b') => MayBeDigit(text, at + 3),
                    ('3', 'A' or 'a') => EndsWithIdentityPrefix(text[..at]),
                    _ => false,
                };
        }
    }

    /// <summary>
    /// Whether an e-mail domain may start <paramref name="text"/>: among its leading letters, digits, '-' and '.', a '.'
    /// followed by two or more ASCII letters that end where a word ends (the pattern's <c>\.[A-Za-z]{2,63}\b</c>).
    /// </summary>
    private static bool MayBeEmailDomain(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '-' or '.'); i++)
        {
            if (text[i] != '.')
            {
                continue;
            }

            var letters = 0;
            while (i + 1 + letters < text.Length && char.IsAsciiLetter(text[i + 1 + letters]))
            {
                letters++;
            }

            var end = i + 1 + letters;
            if (letters >= 2 && (end == text.Length || !(char.IsAsciiLetterOrDigit(text[end]) || text[end] == '_') || text[end] > '\u007F'))
            {
                return true; // a non-ASCII character after the letters may or may not be a word character: the pattern decides
            }
        }

        return false;
    }

    // '\d' is any Unicode decimal digit: a non-ASCII character may be one.
    private static bool MayBeDigit(ReadOnlySpan<char> text, int index) =>
        index < text.Length && (char.IsAsciiDigit(text[index]) || text[index] > '\u007F');

    /// <summary>Whether <paramref name="text"/> ends with an identity type prefix; non-ASCII text may case-fold into one.</summary>
    private static bool EndsWithIdentityPrefix(ReadOnlySpan<char> text)
    {
        if (!Ascii.IsValid(text))
        {
            return true;
        }

        foreach (var prefix in _identityPrefixes)
        {
            if (text.EndsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when the whole text is an ACS/Teams identity.</summary>
    public static bool IsIdentity(string text) => WholeIdentity().IsMatch(text);

    /// <summary>True when the whole text is an e-mail address.</summary>
    public static bool IsEmail(string text) => WholeEmail().IsMatch(text);

    /// <summary>
    /// Normalises a phone number (<c>+</c> and 7–15 digits; <c>tel:</c>, <c>4:</c>, spaces, dashes, dots and
    /// parentheses removed). Without a <c>+</c> the text must come with a <c>tel:</c> or <c>4:</c> prefix.
    /// </summary>
    public static bool TryNormalizePhone(string text, out string normalized)
    {
        normalized = string.Empty;
        if (!WholePhone().IsMatch(text))
        {
            return false;
        }

        var prefixed = text.StartsWith("tel:", StringComparison.OrdinalIgnoreCase) || text.StartsWith("4:", StringComparison.Ordinal);
        var plus = text.Contains('+', StringComparison.Ordinal);
        if (!plus && !prefixed)
        {
            return false;
        }

        var body = prefixed ? text[(text.IndexOf(':', StringComparison.Ordinal) + 1)..] : text;
        var digits = new StringBuilder(16).Append('+');
        foreach (var c in body)
        {
            if (char.IsAsciiDigit(c))
            {
                digits.Append(c);
            }
        }

        if (digits.Length is < 8 or > 16)
        {
            return false;
        }

        normalized = digits.ToString();
        return true;
    }

    /// <summary>The E.164 country calling code of a normalised number (<c>+</c> and digits).</summary>
    public static string CountryCode(string normalizedPhone)
    {
        var digits = normalizedPhone.AsSpan(1);
        if (digits[0] is '1' or '7')
        {
            return digits[..1].ToString();
        }

        var two = ((digits[0] - '0') * 10) + (digits[1] - '0');
        return _twoDigitCountryCodes.Contains(two) ? digits[..2].ToString() : digits[..Math.Min(3, digits.Length)].ToString();
    }
}
