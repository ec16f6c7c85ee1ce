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

    internal static T Bound<T>(T clientOptions, StorageOptions options, StorageAttemptPolicy attempts)
        where T : ClientOptions
    {
        ArgumentNullException.ThrowIfNull(clientOptions);
        clientOptions.Retry.NetworkTimeout = options.NetworkTimeout;
        clientOptions.Retry.MaxRetries = options.MaxRetries;
        clientOptions.Retry.MaxDelay = options.RetryMaxDelay;
        clientOptions.AddPolicy(attempts, HttpPipelinePosition.PerRetry);
        return clientOptions;
    }
}
