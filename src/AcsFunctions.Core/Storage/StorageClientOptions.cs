using Azure.Core;
using Microsoft.Extensions.Logging;

namespace AcsFunctions.Storage;

/// <summary>
/// The bounded wait of every storage client (the app's tables and blobs, a backfill's archive): the network timeout,
/// retries and longest pause of <see cref="StorageOptions"/>, and a per-attempt warning when an attempt fails or times out.
/// </summary>
public static class StorageClientOptions
{
    /// <summary>Applies <paramref name="options"/>' timeout and retries to <paramref name="clientOptions"/>; attempts that fail are logged to <paramref name="logger"/>.</summary>
    public static T Bound<T>(T clientOptions, StorageOptions options, ILogger logger)
        where T : ClientOptions
    {
        ArgumentNullException.ThrowIfNull(options);
        return Bound(clientOptions, options, new StorageAttemptPolicy(logger, options));
    }

    /// <summary>
    /// As <see cref="Bound{T}(T, StorageOptions, ILogger)"/>, and with <paramref name="reachability"/> (the CLI's) a
    /// connect failure to an endpoint that never answered ends the call at once, as for the app's own clients: one
    /// <see cref="StorageUnavailableException"/> naming <paramref name="service"/> (e.g. <see cref="StorageReachability.Archive"/>)
    /// and the endpoint, instead of the SDK's retries.
    /// </summary>
    public static T Bound<T>(T clientOptions, StorageOptions options, ILogger logger, StorageReachability? reachability, string service)
        where T : ClientOptions
    {
        ArgumentNullException.ThrowIfNull(options);
        return Bound(clientOptions, options, new StorageAttemptPolicy(logger, options), reachability, service);
    }

    /// <summary>
    /// New options for a blob client (the app's payload blobs, a backfill's archive) at the newest blob service version
    /// the repository's Azurite (package.json) accepts. The SDK's default is newer, and Azurite started without
    /// <c>--skipApiVersionCheck</c> (<c>npx azurite</c>, as the docs say) refuses it with 400 InvalidHeaderValue on the
    /// first blob request; Azure accepts every version. Raise it with Azurite.
    /// </summary>
    public static Azure.Storage.Blobs.BlobClientOptions NewBlobOptions() => new(Azure.Storage.Blobs.BlobClientOptions.ServiceVersion.V2026_06_06);

    /// <summary>
    /// As the public overload; with <paramref name="reachability"/> (the CLI's), a connect failure to an endpoint that
    /// never answered ends the call at once (placed inside the attempt logger, which therefore does not report it).
    /// </summary>
    internal static T Bound<T>(T clientOptions, StorageOptions options, StorageAttemptPolicy attempts, StorageReachability? reachability = null, string? service = null)
        where T : ClientOptions
    {
        ArgumentNullException.ThrowIfNull(clientOptions);
        clientOptions.Retry.NetworkTimeout = options.NetworkTimeout;
        clientOptions.Retry.MaxRetries = options.MaxRetries;
        clientOptions.Retry.MaxDelay = options.RetryMaxDelay;
        clientOptions.AddPolicy(attempts, HttpPipelinePosition.PerRetry);
        if (reachability is not null)
        {
            clientOptions.AddPolicy(reachability.Policy(service ?? (clientOptions is Azure.Storage.Blobs.BlobClientOptions ? "blob" : "table")), HttpPipelinePosition.PerRetry);
        }

        return clientOptions;
    }
}
