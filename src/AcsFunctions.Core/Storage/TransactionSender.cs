using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;

namespace AcsFunctions.Storage;

/// <summary>
/// Sends entity-group transactions with the app's own request body (<see cref="TransactionBody"/>) through an Azure.Core
/// pipeline built from the same <see cref="TableClientOptions"/> as the table client — the same transport, network
/// timeout, retries and per-attempt logging — signed with the account key (Shared Key Lite, as the SDK signs) or a
/// token (managed identity). The answer is read as the SDK reads it (<see cref="TransactionResponse"/>), so callers
/// see the same <see cref="RequestFailedException"/>s. What it saves is the SDK's per-entity cost of a transaction
/// (~35 µs of CPU and ~30 KB allocated per entity, docs/benchmarks.md): the ingest's largest CPU item after
/// preparing the rows. A transaction it cannot write (a value of a type it does not know) goes to the SDK.
/// </summary>
public sealed class TransactionSender
{
    /// <summary>The service version the requests name (the Tables SDK 12.13's).</summary>
    internal const string ServiceVersion = "2020-12-06";

    /// <summary>Azurite's and the storage emulator's development account (the same as <c>AzuriteHost.DevAccountName</c>, which Core does not reference; a test pins both).</summary>
    internal const string DevelopmentAccount = "devstoreaccount1";

    /// <summary>Its published development key (not a secret; the same as <c>AzuriteHost.DevAccountKey</c>).</summary>
    internal const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>Bodies kept for reuse: at most <see cref="PooledBuffers"/> of at most <see cref="PooledBufferBytes"/> each (16 MiB in all).</summary>
    private const int PooledBuffers = 16;

    private const int PooledBufferBytes = 1024 * 1024;

    private static readonly ConcurrentQueue<ArrayBufferWriter<byte>> Buffers = new();
    private static int _pooled;

    private readonly HttpPipeline _pipeline;
    private readonly string _endpoint;
    private readonly Uri _batchUri;
    private long _sent;
    private long _handedToSdk;

    private TransactionSender(HttpPipeline pipeline, Uri endpoint)
    {
        _pipeline = pipeline;
        _endpoint = endpoint.AbsoluteUri.TrimEnd('/');
        _batchUri = new Uri(_endpoint + "/$batch");
    }

    /// <summary>Transactions sent with the app's own body so far (benchmarks and tests).</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Transactions handed to the SDK so far because a value had a type this writer does not write.</summary>
    public long HandedToSdk => Interlocked.Read(ref _handedToSdk);

    /// <summary>
    /// A sender for the account of <paramref name="connectionString"/> (its account key, or Azurite's development
    /// storage) at <paramref name="endpoint"/>; null when the connection string has no account key (a shared access
    /// signature: the SDK keeps sending those transactions).
    /// </summary>
    public static TransactionSender? ForConnectionString(string connectionString, Uri endpoint, TableClientOptions clientOptions)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var parts = connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .GroupBy(p => p[0], StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Last()[1], StringComparer.OrdinalIgnoreCase);
        string? account;
        string? key;
        if (parts.TryGetValue("UseDevelopmentStorage", out var development) && bool.TryParse(development, out var isDevelopment) && isDevelopment)
        {
            (account, key) = (DevelopmentAccount, DevelopmentKey);
        }
        else
        {
            parts.TryGetValue("AccountName", out account);
            parts.TryGetValue("AccountKey", out key);
        }

        if (string.IsNullOrEmpty(account) || string.IsNullOrEmpty(key) || !IsStorageEndpoint(endpoint))
        {
            return null;
        }

        byte[] secret;
        try
        {
            secret = Convert.FromBase64String(key);
        }
        catch (FormatException)
        {
            return null;
        }

        return new TransactionSender(HttpPipelineBuilder.Build(clientOptions, new SharedKeyLitePolicy(account, secret)), endpoint);
    }

    /// <summary>
    /// A sender that authenticates with <paramref name="credential"/> (a storage-scoped token) at <paramref name="endpoint"/>;
    /// null for an endpoint that is not Azure Storage's (Cosmos DB's Table API takes merges differently: the SDK keeps those).
    /// </summary>
    public static TransactionSender? ForToken(TokenCredential credential, Uri endpoint, TableClientOptions clientOptions)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return IsStorageEndpoint(endpoint)
            ? new(HttpPipelineBuilder.Build(clientOptions, new BearerTokenAuthenticationPolicy(credential, "https://storage.azure.com/.default")), endpoint)
            : null;
    }

    /// <summary>False for Cosmos DB's Table API, whose transactions the SDK writes (it rewrites merges for it).</summary>
    private static bool IsStorageEndpoint(Uri endpoint) =>
        !endpoint.Host.Contains(".cosmos.", StringComparison.OrdinalIgnoreCase)
        && !endpoint.Host.EndsWith(".documents.azure.com", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Sends <paramref name="actions"/> as one transaction on <paramref name="table"/> (its physical name); false, with
    /// nothing sent, when an entity holds a value this writer does not write (the caller gives it to the SDK).
    /// </summary>
    /// <exception cref="RequestFailedException">The service refused the transaction (nothing of it was applied).</exception>
    public async Task<bool> TrySubmitAsync(string table, IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actions);
        if (actions.Count == 0)
        {
            return false; // the SDK's answer to an empty transaction stays the SDK's
        }

        ArrayBufferWriter<byte> buffer;
        if (Buffers.TryDequeue(out var reused))
        {
            Interlocked.Decrement(ref _pooled);
            buffer = reused;
        }
        else
        {
            buffer = new ArrayBufferWriter<byte>(64 * 1024);
        }

        var reusable = true; // false once the buffer was handed to the transport: only an answered request gives it back
        try
        {
            var batch = "batch_" + Guid.NewGuid().ToString("D");
            if (!TransactionBody.TryWrite(buffer, _endpoint, table, actions, batch, "changeset_" + Guid.NewGuid().ToString("D")))
            {
                Interlocked.Increment(ref _handedToSdk);
                return false;
            }

            using var message = _pipeline.CreateMessage();
            var request = message.Request;
            request.Method = RequestMethod.Post;
            request.Uri.Reset(_batchUri);
            request.Headers.Add("x-ms-version", ServiceVersion);
            request.Headers.Add("DataServiceVersion", "3.0");
            request.Headers.Add("Accept", "application/json");
            request.Headers.Add("Content-Type", "multipart/mixed; boundary=" + batch);
            request.Content = RequestContent.Create(buffer.WrittenMemory);
            reusable = false;
            await _pipeline.SendAsync(message, cancellationToken);
            var response = message.Response;

            // Answered: the transport has finished with the body (a request that failed or was cancelled may still be
            // read by a send the transport abandoned, so its buffer is left to the collector).
            reusable = true;
            if (response.Status != 202)
            {
                // As the SDK reports it: the status, the service's error code (header or OData body) and its message.
                var (code, text) = TransactionResponse.ODataError(response.Content.ToMemory().Span);
                code ??= response.Headers.TryGetValue("x-ms-error-code", out var header) ? header : null;
                throw new RequestFailedException(response.Status, text ?? $"The transaction failed: {response.Status} {response.ReasonPhrase}.", code, null);
            }

            if (TransactionResponse.Failure(response.Content.ToMemory().Span, actions.Count) is { } failure)
            {
                throw failure;
            }

            Interlocked.Increment(ref _sent);
            return true;
        }
        finally
        {
            if (reusable && buffer.Capacity <= PooledBufferBytes && Interlocked.Increment(ref _pooled) <= PooledBuffers)
            {
                buffer.ResetWrittenCount();
                Buffers.Enqueue(buffer);
            }
            else if (reusable && buffer.Capacity <= PooledBufferBytes)
            {
                Interlocked.Decrement(ref _pooled); // the pool is full: this one goes to the collector
            }
        }
    }

    /// <summary>
    /// Shared Key Lite for the Table service: <c>x-ms-date</c>, then the canonical resource (<c>/account/path</c>, with
    /// <c>?comp=</c> when the request has one), signed with HMAC-SHA256 of the account key. The date is the wall clock:
    /// the service refuses a signature more than 15 minutes off its own time, so it cannot come from a test's clock.
    /// </summary>
    internal sealed class SharedKeyLitePolicy(string account, byte[] key) : HttpPipelineSynchronousPolicy
    {
        /// <inheritdoc />
        public override void OnSendingRequest(HttpMessage message)
        {
            ArgumentNullException.ThrowIfNull(message);
            var date = TimeProvider.System.GetUtcNow().ToString("R", CultureInfo.InvariantCulture);
            message.Request.Headers.SetValue("x-ms-date", date);
            message.Request.Headers.SetValue("Authorization", Authorization(account, key, date, message.Request.Uri.ToUri()));
        }

        /// <summary>The header's value for a request to <paramref name="uri"/> dated <paramref name="date"/>.</summary>
        internal static string Authorization(string account, byte[] key, string date, Uri uri)
        {
            var resource = new StringBuilder().Append(date).Append('\n').Append('/').Append(account).Append(uri.AbsolutePath);
            foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                if (pair.StartsWith("comp=", StringComparison.OrdinalIgnoreCase))
                {
                    resource.Append("?comp=").Append(Uri.UnescapeDataString(pair[5..]));
                }
            }

            var signature = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(resource.ToString()));
            return $"SharedKeyLite {account}:{Convert.ToBase64String(signature)}";
        }
    }
}
