using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using AcsFunctions.Reconcile;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AcsFunctions.Tests.Reconcile;

/// <summary>
/// A local Azure Monitor metrics endpoint (Kestrel on loopback, HTTPS with a throw-away certificate, because the
/// SDK's bearer-token policy refuses plain HTTP). Serves <c>GET …/providers/Microsoft.Insights/metrics</c> in the
/// documented response shape from <see cref="Points"/>, optionally paged (<c>nextLink</c>), throttled (429 +
/// Retry-After) or refusing access (401/403). Requires the bearer token of <see cref="Credential"/>.
/// </summary>
internal sealed class FakeMetricsServer : IAsyncDisposable
{
    public const string Token = "test-token";

    private readonly WebApplication _app;
    private readonly X509Certificate2 _certificate;
    private int _throttlesLeft;

    private FakeMetricsServer(WebApplication app, X509Certificate2 certificate)
    {
        _app = app;
        _certificate = certificate;
    }

    /// <summary>The data served: (metric, operation, status, window) → count.</summary>
    public List<PlatformMetricPoint> Points { get; } = [];

    /// <summary>Time series per page (0 = one page).</summary>
    public int SeriesPerPage { get; set; }

    /// <summary>Status to answer every request with instead of data (401, 403), or 0.</summary>
    public int DenyWith { get; set; }

    /// <summary>Resource names (the last segment of a resource id) whose requests get 403, as a resource the identity has no role on.</summary>
    public ConcurrentDictionary<string, bool> DeniedResources { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every request received (path and query), with the time it arrived.</summary>
    public ConcurrentQueue<(long Timestamp, string PathAndQuery, int Status)> Requests { get; } = new();

    public Uri Endpoint { get; private set; } = null!;

    public TokenCredential Credential { get; } = new StaticCredential();

    /// <summary>The next <paramref name="times"/> requests get 429 with Retry-After: <paramref name="seconds"/>.</summary>
    public void Throttle(int times, int seconds)
    {
        _throttlesLeft = times;
        RetryAfterSeconds = seconds;
    }

    public int RetryAfterSeconds { get; private set; }

    public static async Task<FakeMetricsServer> StartAsync()
    {
        var certificate = CreateCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        var app = builder.Build();
        var server = new FakeMetricsServer(app, certificate);
        app.MapGet("/{**resource}", server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Endpoint = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        return server;
    }

    /// <summary>The server's certificate in PEM, for a child process to trust it (<c>SSL_CERT_FILE</c>).</summary>
    public string CertificatePem() => _certificate.ExportCertificatePem();

    /// <summary>Client options pointing at this server, trusting its certificate (and only it), with short retry delays.</summary>
    public PlatformMetricsClientOptions ClientOptions()
    {
        var thumbprint = _certificate.Thumbprint;
#pragma warning disable CA2000 // the transport owns the handler for the client's lifetime
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == thumbprint };
#pragma warning restore CA2000
        var options = new PlatformMetricsClientOptions { Endpoint = Endpoint, Transport = new HttpClientTransport(handler) };
        options.Retry.Delay = TimeSpan.FromMilliseconds(50);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(10);
        return options;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var status = Respond(context, out var body);
        Requests.Enqueue((System.Diagnostics.Stopwatch.GetTimestamp(), context.Request.Path + context.Request.QueryString, status));
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body);
    }

    private int Respond(HttpContext context, out string body)
    {
        if (context.Request.Headers.Authorization.ToString() != "Bearer " + Token)
        {
            body = Error("InvalidAuthenticationToken", "The access token is missing or invalid.");
            return 401;
        }

        if (DenyWith == 0 && DeniedResources.Keys.Any(name => context.Request.Path.Value!.Contains("/" + name + "/", StringComparison.OrdinalIgnoreCase)))
        {
            body = Error("AuthorizationFailed", "The client does not have authorization to perform action 'microsoft.insights/metrics/read'.");
            return 403;
        }

        if (DenyWith != 0)
        {
            body = Error("AuthorizationFailed", "The client does not have authorization to perform action 'microsoft.insights/metrics/read'.");
            return DenyWith;
        }

        if (Interlocked.Decrement(ref _throttlesLeft) >= 0)
        {
            context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            body = Error("TooManyRequests", "Rate limit exceeded.");
            return 429;
        }

        var query = context.Request.Query;
        var metric = query["metricnames"].ToString();
        var interval = query["interval"].ToString() == "PT1H" ? TimeSpan.FromHours(1) : TimeSpan.FromMinutes(1);
        var span = query["timespan"].ToString().Split('/');
        var from = DateTimeOffset.Parse(span[0], CultureInfo.InvariantCulture);
        var to = DateTimeOffset.Parse(span[1], CultureInfo.InvariantCulture);
        var operationDimension = query["$filter"].ToString().Split(' ')[0];
        var skip = int.TryParse(query["$skiptoken"], CultureInfo.InvariantCulture, out var s) ? s : 0;

        var series = Points
            .Where(p => string.Equals(p.Metric, metric, StringComparison.OrdinalIgnoreCase) && p.Window >= from && p.Window < to)
            .GroupBy(p => (p.Operation, p.StatusCode))
            .OrderBy(g => g.Key.Operation, StringComparer.Ordinal).ThenBy(g => g.Key.StatusCode, StringComparer.Ordinal)
            .ToList();
        var page = SeriesPerPage > 0 ? series.Skip(skip).Take(SeriesPerPage).ToList() : series;
        var windows = new List<DateTimeOffset>();
        for (var w = from; w < to; w += interval)
        {
            windows.Add(w);
        }

        var response = new Dictionary<string, object?>
        {
            ["cost"] = 0,
            ["timespan"] = query["timespan"].ToString(),
            ["interval"] = query["interval"].ToString(),
            ["value"] = new[]
            {
                new
                {
                    id = context.Request.Path + "/" + metric,
                    type = "Microsoft.Insights/metrics",
                    name = new { value = metric, localizedValue = metric },
                    displayDescription = "API requests",
                    unit = "Count",
                    timeseries = page.Select(g => new
                    {
                        metadatavalues = new object[]
                        {
                            new { name = new { value = operationDimension.ToLowerInvariant(), localizedValue = operationDimension }, value = g.Key.Operation },
                            new { name = new { value = "statuscode", localizedValue = "StatusCode" }, value = g.Key.StatusCode },
                        },
                        data = windows.Select(w => new Dictionary<string, object>
                        {
                            ["timeStamp"] = w.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                            ["count"] = (double)g.Where(p => p.Window >= w && p.Window < w + interval).Sum(p => p.Count),
                            ["total"] = (double)g.Where(p => p.Window >= w && p.Window < w + interval).Sum(p => p.Count),
                        }),
                    }),
                    errorCode = "Success",
                },
            },
            ["namespace"] = "Microsoft.Communication/CommunicationServices",
            ["resourceregion"] = "global",
        };
        if (SeriesPerPage > 0 && skip + SeriesPerPage < series.Count)
        {
            var request = context.Request;
            var next = new QueryString("?" + string.Join('&', query.Where(q => q.Key != "$skiptoken").Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value.ToString())}")))
                .Add("$skiptoken", (skip + SeriesPerPage).ToString(CultureInfo.InvariantCulture));
            response["nextLink"] = $"{request.Scheme}://{request.Host}{request.Path}{next}";
        }

        body = JsonSerializer.Serialize(response);
        return 200;
    }

    private static string Error(string code, string message) => JsonSerializer.Serialize(new { error = new { code, message } });

    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _certificate.Dispose();
    }

    private sealed class StaticCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(Token, DateTimeOffset.MaxValue);

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
