using System.Net.Sockets;
using AcsFunctions.Storage;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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

        var response = await base.SendAsync(request, cancellationToken);
        AfterSend?.Invoke(request, response);
        return response;
    }

    private static void Quick(Azure.Core.RetryOptions retry)
    {
        retry.Delay = TimeSpan.FromMilliseconds(1);
        retry.MaxDelay = TimeSpan.FromMilliseconds(1);
    }
}
