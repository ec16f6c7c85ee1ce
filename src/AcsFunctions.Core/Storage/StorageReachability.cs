using System.Collections.Concurrent;
using System.Net.Sockets;
using AcsFunctions.Diagnostics;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Logging;

namespace AcsFunctions.Storage;

/// <summary>
/// Opt-in fail-fast for storage that was never reached (the CLI registers it; the Functions app does not). While an
/// endpoint has not answered a single request in this process, a refused connection or a host name that does not
/// resolve fails the call at once with a <see cref="StorageUnavailableException"/> ("cannot reach table storage at …:
/// connection refused"): no SDK retry, no table-writer retry — otherwise the two layers multiply (6 × 3 attempts, ~24 s
/// for a wrong connection string or Azurite not running). Once an endpoint has answered (any status), its connect
/// failures are an outage again and retried as before; answers such as 503 and timeouts are always retried. Endpoints
/// are told apart by scheme, host and port: the blob endpoint's first request (a payload too large for a table entity,
/// mid-run) still fails at once when only the table endpoint has answered — a blob endpoint that never answered is a
/// wrong endpoint or a missing blob service, which retries do not mend — and the error names both endpoints. Without it
/// (the Functions app, which holds batches through outages on purpose) every layer retries as configured.
/// </summary>
public sealed class StorageReachability
{
    /// <summary>The service name of a backfill's archive client: its message names the archive and points at the archive's address, not Azurite.</summary>
    public const string Archive = "archive";

    private readonly ConcurrentDictionary<string, string> _answered = new(StringComparer.OrdinalIgnoreCase);
    private readonly ILogger<StorageReachability> _logger;

    /// <summary>Creates the tracker (one per process: it remembers which endpoints answered).</summary>
    public StorageReachability(ILogger<StorageReachability> logger)
    {
        _logger = logger;
    }

    /// <summary>True once <paramref name="endpoint"/> (scheme, host and port) answered a request in this process.</summary>
    public bool HasAnswered(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return _answered.ContainsKey(Key(endpoint.Scheme, endpoint.Host, endpoint.Port));
    }

    /// <summary>The policy of one client (<paramref name="service"/>: <c>table</c>, <c>blob</c> or <see cref="Archive"/>, for the message), placed next to the transport in each attempt.</summary>
    internal HttpPipelinePolicy Policy(string service) => new FirstContactPolicy(this, service);

    /// <summary>What kept <paramref name="exception"/>'s request from reaching the server ("connection refused", "host name not found"), or null.</summary>
    internal static string? ConnectFailure(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return "connection refused";
                case SocketException { SocketErrorCode: SocketError.TryAgain }:
                    return null; // a name server that did not answer this time (EAI_AGAIN): an outage, retried
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData }:
                    return "host name not found";
                case HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } when !HasSocketError(e.InnerException):
                    return "host name not found";
            }
        }

        return null;
    }

    /// <summary>
    /// The one-line error for storage that never answered; through a proxy the refusal may be the proxy's, so the hint
    /// names it instead of Azurite.
    /// </summary>
    /// <param name="service"><c>table</c>, <c>blob</c> or <see cref="Archive"/>.</param>
    /// <param name="endpoint">The endpoint that never answered (scheme, host and port).</param>
    /// <param name="failure">What kept the request from it ("connection refused").</param>
    /// <param name="proxy">The proxy the request went through, or null.</param>
    /// <param name="answered">Another endpoint of this process that did answer (<c>table storage at …</c>), or null.</param>
    internal static string Message(string service, string endpoint, string failure, Uri? proxy, string? answered = null)
    {
        var through = proxy is null ? string.Empty : $" through the proxy {proxy.GetLeftPart(UriPartial.Authority)}";
        if (service == Archive)
        {
            answered = null; // the archive is another account: that this process's own storage answered says nothing about it
        }

        var hint = proxy is not null
            ? "is the proxy reachable (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), and is the connection string right?"
            : service == Archive
                ? "is the archive's connection string or URL (--source) right, and does a blob service listen there?"
            : answered is not null
                ? $"is the {service} endpoint in the connection string right, and does a {service} service listen there (not azurite-table or azurite-blob alone)?"
                : "is Azurite running, and is the connection string right?";
        var but = answered is null ? string.Empty : $", although {answered} answered";
        return $"cannot reach {service} storage at {endpoint}{through}: {failure}{but} — {hint}";
    }

    /// <summary>The proxy the clients' transport sends <paramref name="uri"/> through (the environment's), or null.</summary>
    private static Uri? ProxyFor(Uri uri)
    {
        var proxy = HttpClient.DefaultProxy;
        return proxy.IsBypassed(uri) ? null : proxy.GetProxy(uri) is { } through && through != uri ? through : null;
    }

    private static bool HasSocketError(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException)
            {
                return true; // its code decides (the loop goes on to it)
            }
        }

        return false;
    }

    private static string Key(string? scheme, string? host, int port) => $"{scheme}://{host}:{port}";

    private sealed class FirstContactPolicy(StorageReachability owner, string service) : HttpPipelinePolicy
    {
        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            try
            {
                await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
            }
            catch (Exception ex) when (Unreached(message, ex) is { } unreached)
            {
                throw unreached;
            }

            Answered(message);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            try
            {
                ProcessNext(message, pipeline);
            }
            catch (Exception ex) when (Unreached(message, ex) is { } unreached)
            {
                throw unreached;
            }

            Answered(message);
        }

        private void Answered(HttpMessage message)
        {
            var uri = message.Request.Uri;
            owner._answered.TryAdd(Key(uri.Scheme, uri.Host, uri.Port), service);
        }

        /// <summary>The exception that ends the call at once, or null (the failure goes on to the retries).</summary>
        private StorageUnavailableException? Unreached(HttpMessage message, Exception exception)
        {
            var uri = message.Request.Uri;
            var endpoint = Key(uri.Scheme, uri.Host, uri.Port);
            if (message.CancellationToken.IsCancellationRequested || owner._answered.ContainsKey(endpoint) || ConnectFailure(exception) is not { } failure)
            {
                return null;
            }

            Log.StorageNotReached(owner._logger, service, endpoint, message.ProcessingContext.RetryNumber + 1, failure);
            var answered = owner._answered.Select(a => $"{a.Value} storage at {a.Key}").Order(StringComparer.Ordinal).FirstOrDefault();
            return new StorageUnavailableException(Message(service, endpoint, failure, ProxyFor(uri.ToUri()), answered), exception) { Service = service };
        }
    }
}
