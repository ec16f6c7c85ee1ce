using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;

namespace AcsFunctions.Cli.Serve;

/// <summary>
/// What <c>acs-diag serve</c> exposes, checked on what the server really bound (Kestrel endpoints from configuration —
/// an <c>appsettings.json</c> in the working directory, <c>Kestrel__Endpoints__…</c> or <c>ASPNETCORE_URLS</c> — can
/// override <c>--urls</c>) and on every request's <c>Host</c> header (a DNS-rebinding guard: a web page whose name
/// resolves to 127.0.0.1 sends its own name as Host, so only loopback names and addresses are answered unless
/// <c>--allow-remote</c> names more hosts).
/// </summary>
internal sealed class ServeGuard
{
    /// <summary>The host name that allows any Host header (with <c>--allow-remote</c>).</summary>
    public const string AnyHost = "*";

    private readonly HashSet<string> _hosts;

    /// <summary>Creates the guard; <paramref name="allowRemote"/> allows non-loopback bindings, <paramref name="allowedHosts"/> names extra Host values.</summary>
    public ServeGuard(bool allowRemote, IEnumerable<string> allowedHosts)
    {
        AllowRemote = allowRemote;
        _hosts = new HashSet<string>(allowedHosts.Select(Normalize), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Loopback only, loopback Host headers only (the default of <c>acs-diag serve</c>).</summary>
    public static ServeGuard LoopbackOnly { get; } = new(allowRemote: false, []);

    /// <summary>True when a non-loopback binding is allowed (<c>--allow-remote</c>).</summary>
    public bool AllowRemote { get; }

    /// <summary>
    /// The first entry of <paramref name="urls"/> (<c>;</c>-separated) that Kestrel cannot listen on as written — not a
    /// URL, not <c>http</c>/<c>https</c>, or a port outside 0–65535 — or the whole value when it names no address;
    /// null when every entry is a valid URL.
    /// </summary>
    public static string? InvalidUrl(string urls)
    {
        var entries = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (entries.Length == 0)
        {
            return urls;
        }

        foreach (var url in entries)
        {
            try
            {
                var address = BindingAddress.Parse(url);
                if (address.Scheme is not ("http" or "https") || address.Host.Length == 0 || address.Port is < 0 or > IPEndPoint.MaxPort)
                {
                    return url;
                }
            }
            catch (FormatException)
            {
                return url;
            }
        }

        return null;
    }

    /// <summary>True when <paramref name="exception"/> (Kestrel's start failure) says an address is already in use.</summary>
    public static bool IsAddressInUse(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is AddressInUseException || (e is SocketException socket && socket.SocketErrorCode == SocketError.AddressAlreadyInUse))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The bound addresses that are not loopback (a wildcard such as <c>0.0.0.0</c> or <c>[::]</c> is not).</summary>
    public static IReadOnlyList<string> NonLoopback(IEnumerable<string> addresses) =>
        [.. addresses.Where(a => !IsLoopbackAddress(a))];

    /// <summary>True when <paramref name="url"/> (<c>http://127.0.0.1:7071</c>, <c>http://localhost:0</c>) is a loopback address.</summary>
    public static bool IsLoopbackAddress(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip)));

    /// <summary>
    /// True when a request naming <paramref name="host"/> may be answered by a server bound to
    /// <paramref name="boundAddresses"/>: a loopback name or address, a concrete address the server is bound to, or a
    /// host named by <c>--allow-remote</c> (<c>*</c>: any).
    /// </summary>
    public bool AllowsHost(HostString host, IEnumerable<string> boundAddresses)
    {
        if (!host.HasValue)
        {
            return false;
        }

        var name = Normalize(host.Host);
        if (name.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(name, out var ip) && IPAddress.IsLoopback(ip))
            || _hosts.Contains(AnyHost)
            || _hosts.Contains(name))
        {
            return true;
        }

        return AllowRemote && boundAddresses.Any(a =>
            Uri.TryCreate(a, UriKind.Absolute, out var uri) && Normalize(uri.Host).Equals(name, StringComparison.OrdinalIgnoreCase));
    }

    private static string Normalize(string host) => host.Trim().Trim('[', ']').TrimEnd('.');
}
