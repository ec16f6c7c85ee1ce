using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AcsFunctions.Privacy;

/// <summary>
/// The <see cref="PrivacyAction.Mask"/> forms: keep what an operator needs to see (network, domain, country, ACS
/// resource) and nothing that identifies a person.
/// </summary>
public static class Masking
{
    /// <summary>What a value with no useful non-personal part is masked to.</summary>
    public const string Masked = "*";

    /// <summary>IPv4 → <c>a.b.c.0/24</c>; IPv6 → <c>x:y:z::/48</c> (IPv4-mapped IPv6 as IPv4); null when not an address.</summary>
    public static string? MaskIp(string text)
    {
        var trimmed = text.Trim();
        var slash = trimmed.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && int.TryParse(trimmed.AsSpan(slash + 1), out _))
        {
            trimmed = trimmed[..slash]; // a network in CIDR form (or an address masked before): mask its address
        }

        if (!IPAddress.TryParse(trimmed, out var ip) || !trimmed.AsSpan().ContainsAny(".:"))
        {
            // "1.2.3.4:5678" (with a port) or "[::1]:443"
            if (!IPEndPoint.TryParse(trimmed, out var endpoint))
            {
                return null;
            }

            ip = endpoint.Address;
        }

        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }

        var bytes = ip.GetAddressBytes();
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            bytes[3] = 0;
            return new IPAddress(bytes) + "/24";
        }

        Array.Clear(bytes, 6, bytes.Length - 6);
        return new IPAddress(bytes) + "/48";
    }

    /// <summary><c>someone@contoso.com</c> → <c>*@contoso.com</c>.</summary>
    public static string MaskEmail(string text)
    {
        var decoded = text.Replace("%40", "@", StringComparison.OrdinalIgnoreCase);
        var at = decoded.LastIndexOf('@');
        return at < 0 ? Masked : Masked + "@" + decoded[(at + 1)..].Trim().ToLowerInvariant();
    }

    /// <summary>A normalised phone number (<c>+</c> digits) → its country code, e.g. <c>+44***</c>.</summary>
    public static string MaskPhone(string normalizedPhone) => "+" + TextPatterns.CountryCode(normalizedPhone) + "***";

    /// <summary>
    /// An ACS identity keeps its type and resource: <c>8:acs:&lt;resource&gt;_&lt;user&gt;</c> →
    /// <c>8:acs:&lt;resource&gt;_*</c>; other identities keep their type: <c>8:orgid:*</c>.
    /// </summary>
    public static string MaskIdentity(string text)
    {
        var underscore = text.IndexOf('_', StringComparison.Ordinal);
        if (underscore > 0 && text.Contains("acs:", StringComparison.OrdinalIgnoreCase))
        {
            return text[..(underscore + 1)] + Masked;
        }

        var colon = text.LastIndexOf(':');
        return colon > 0 ? text[..(colon + 1)] + Masked : Masked;
    }

    /// <summary>One identifier of unknown form: masked by what it looks like (phone, identity, e-mail, IP), else <c>*</c>.</summary>
    public static string MaskIdentifier(string text)
    {
        var trimmed = text.Trim();
        if (TextPatterns.TryNormalizePhone(trimmed, out var phone))
        {
            return MaskPhone(phone);
        }

        if (TextPatterns.IsIdentity(trimmed))
        {
            return MaskIdentity(trimmed);
        }

        if (TextPatterns.IsEmail(trimmed))
        {
            return MaskEmail(trimmed);
        }

        return MaskIp(trimmed) ?? Masked;
    }

    /// <summary>
    /// A URL keeps scheme, host, port and path (with identifiers in the path replaced by <paramref name="scrub"/>);
    /// query values are replaced by <c>*</c> except <c>api-version</c>; user info and fragment are removed. Text that
    /// is not an absolute URL is scrubbed and cut at its first <c>?</c>.
    /// </summary>
    public static string MaskUrl(string text, Func<string, string> scrub)
    {
        var trimmed = text.Trim();
        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) || uri.IsFile || string.IsNullOrEmpty(uri.Host))
        {
            var cut = trimmed.IndexOf('?', StringComparison.Ordinal);
            return scrub(cut < 0 ? trimmed : trimmed[..cut] + "?*");
        }

        var sb = new StringBuilder(trimmed.Length);
        sb.Append(uri.Scheme).Append("://").Append(scrub(uri.IdnHost));
        if (!uri.IsDefaultPort)
        {
            sb.Append(':').Append(uri.Port);
        }

        sb.Append(scrub(uri.AbsolutePath));
        var query = uri.Query;
        if (query.Length > 1)
        {
            var separator = '?';
            foreach (var pair in query[1..].Split('&'))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                var name = eq < 0 ? pair : pair[..eq];
                sb.Append(separator).Append(scrub(name));
                if (eq >= 0)
                {
                    sb.Append('=').Append(string.Equals(name, "api-version", StringComparison.OrdinalIgnoreCase) ? pair[(eq + 1)..] : Masked);
                }

                separator = '&';
            }
        }

        return sb.ToString();
    }
}
