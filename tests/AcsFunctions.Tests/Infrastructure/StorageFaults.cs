using System.Net.Sockets;
using AcsFunctions.Storage;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcsFunctions.Tests.Infrastructure;

/// <summary>
/// A storage outage the test controls, request by request: every HTTP request of the real table and blob clients
/// goes to Azurite through this handler; after <see cref="FailFrom"/> requests (counted from 1) every request fails
/// as a refused connection would, until <see cref="Heal"/>. Unlike killing Azurite, nothing depends on timing: the
/// same requests succeed and fail on every run.
/// </summary>
public sealed class StorageFaults : DelegatingHandler
{
    private long _requests;
    private long _failed;
    private long _busy;
    private long _failFrom = long.MaxValue;

    private StorageFaults()
        : base(new SocketsHttpHandler())
    {
    }

    /// <summary>Requests seen so far (failed ones included).</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Requests failed so far.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>The number of the first request that fails (1-based); <see cref="long.MaxValue"/> when healthy.</summary>
    public long FailFrom
    {
        get => Interlocked.Read(ref _failFrom);
        set => Interlocked.Exchange(ref _failFrom, value);
    }

    /// <summary>
    /// Runs before a request is sent (or refused), in the request's flow: a test can do something at an exact point of
    /// a run — e.g. ingest a record just before a roll-up deletes its mark. Null: nothing.
    /// </summary>
    public Func<HttpRequestMessage, Task>? BeforeSend { get; set; }

    /// <summary>
    /// Decides, by request number (1-based), which requests are answered 503 Server Busy instead of being sent (storage
    /// that is reachable but overloaded). Null: none.
    /// </summary>
    public Func<long, bool>? Busy { get; set; }

    /// <summary>Requests answered 503 so far (<see cref="Busy"/>).</summary>
    public long BusyAnswers => Interlocked.Read(ref _busy);

    /// <summary>Runs after a request was answered, before the client sees the answer. Null: nothing.</summary>
    public Action<HttpRequestMessage, HttpResponseMessage>? AfterSend { get; set; }

    /// <summary>Storage goes down after <paramref name="more"/> further requests have succeeded.</summary>
    public void FailAfter(long more) => FailFrom = Requests + more + 1;

    /// <summary>Storage is back.</summary>
    public void Heal() => FailFrom = long.MaxValue;

    /// <summary>
    /// <see cref="TestStorage"/> whose table and blob clients send every request through a new <see cref="StorageFaults"/>
    /// (the SDK's own retries stay on, with 1 ms delays so a failing request fails at once).
    /// </summary>
    public static TestStorage Create(string connectionString, out StorageFaults faults, IDictionary<string, string?>? settings = null)
    {
        var handler = new StorageFaults();
        faults = handler;
        return TestStorage.Create(connectionString, settings, services =>
        {
            var transport = new HttpClientTransport(new HttpClient(handler));
            services.Replace(ServiceDescriptor.Singleton(sp =>
            {
                var options = new TableClientOptions { Transport = transport };
                Quick(options.Retry);
                return new TableServiceClient(sp.GetRequiredService<IOptions<StorageOptions>>().Value.ConnectionString, options);
            }));
            services.Replace(ServiceDescriptor.Singleton(sp =>
            {
                var options = sp.GetRequiredService<IOptions<StorageOptions>>();
                var blobOptions = new BlobClientOptions { Transport = transport };
                Quick(blobOptions.Retry);
                var tableService = sp.GetRequiredService<TableServiceClient>();
                var senderOptions = new TableClientOptions { Transport = transport };
                Quick(senderOptions.Retry);

                // The app's own transactions go through the same faults, as they go through the same transport in production.
                var sender = options.Value.DirectTransactions ? TransactionSender.ForConnectionString(options.Value.ConnectionString!, tableService.Uri, senderOptions) : null;
                return new AcsStorage(tableService, new BlobServiceClient(options.Value.ConnectionString, blobOptions), options, sender);
            }));
        });
    }

    /// <summary>
    /// Like <see cref="Create"/>, but the clients get the production bounds (<see cref="StorageClientOptions"/>: the
    /// SDK's retries, the per-attempt logging) — and, with <paramref name="failFastWhenUnreached"/>, the CLI's
    /// <see cref="StorageReachability"/> — so a test sees every retry layer the app or the CLI stacks (SDK delays 1 ms).
    /// </summary>
    public static TestStorage CreateBound(string connectionString, out StorageFaults faults, IDictionary<string, string?>? settings = null, bool failFastWhenUnreached = false)
    {
        var handler = new StorageFaults();
        faults = handler;
        return TestStorage.Create(connectionString, settings, services =>
        {
            var transport = new HttpClientTransport(new HttpClient(handler));
            if (failFastWhenUnreached)
            {
                services.AddSingleton<StorageReachability>();
            }

            services.Replace(ServiceDescriptor.Singleton(sp => new TableServiceClient(
                sp.GetRequiredService<IOptions<StorageOptions>>().Value.ConnectionString, Bound(sp, new TableClientOptions { Transport = transport }))));
            services.Replace(ServiceDescriptor.Singleton(sp =>
            {
                var options = sp.GetRequiredService<IOptions<StorageOptions>>();
                var tableService = sp.GetRequiredService<TableServiceClient>();
                var sender = options.Value.DirectTransactions
                    ? TransactionSender.ForConnectionString(options.Value.ConnectionString!, tableService.Uri, Bound(sp, new TableClientOptions { Transport = transport }))
                    : null;
                return new AcsStorage(tableService, new BlobServiceClient(options.Value.ConnectionString, Bound(sp, new BlobClientOptions { Transport = transport })), options, sender);
            }));
        });
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (BeforeSend is { } before)
        {
            await before(request);
        }

        var number = Interlocked.Increment(ref _requests);
        if (number >= FailFrom)
        {
            Interlocked.Increment(ref _failed);
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"request {number}: connection refused (injected)", new SocketException((int)SocketError.ConnectionRefused));
        }

        if (Busy?.Invoke(number) == true)
        {
            Interlocked.Increment(ref _busy);
            return new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable) { RequestMessage = request, Content = new ByteArrayContent([]) };
        }

        var response = await base.SendAsync(request, cancellationToken);
        AfterSend?.Invoke(request, response);
        return response;
    }

    private static T Bound<T>(IServiceProvider services, T clientOptions)
        where T : Azure.Core.ClientOptions
    {
        var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("AcsFunctions.Storage");
        StorageClientOptions.Bound(clientOptions, options, new StorageAttemptPolicy(logger, options), services.GetService<StorageReachability>());
        Quick(clientOptions.Retry);
        return clientOptions;
    }

    private static void Quick(Azure.Core.RetryOptions retry)
    {
        retry.Delay = TimeSpan.FromMilliseconds(1);
        retry.MaxDelay = TimeSpan.FromMilliseconds(1);
    }
}
