using System.ComponentModel.DataAnnotations;
using AcsFunctions.Ingestion;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcsFunctions.FunctionApp;

/// <summary>Backoff of <see cref="StorageOutagePolicy"/> (section <c>AcsFunctions:EventHubOutage</c>).</summary>
public sealed class StorageOutageOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "AcsFunctions:EventHubOutage";

    /// <summary>Wait after the first failed attempt; doubles after each further failure.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between two attempts.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// Keeps an Event Hubs invocation open until its whole batch is stored or dead-lettered. The Event Hubs extension the app
/// compiles against (worker extension 5.1.0) has no function-level retry, and its listener checkpoints a batch after the
/// invocation ends <em>whether it succeeded or failed</em> — it skips the checkpoint only when the invocation was
/// cancelled (host shutdown, partition ownership lost). So a failed attempt must not end the invocation: each attempt
/// runs the pipeline (whose table writer already retries a write a bounded number of times), and when an attempt throws
/// the same batch is attempted again after a backoff (first delay doubling to the max delay), without limit. Re-ingest
/// is idempotent, so rows a failed attempt did write are written again unchanged. Cancellation ends the wait with
/// <see cref="OperationCanceledException"/>: the invocation ends without success and the extension does not checkpoint.
/// See docs/reliability.md.
/// </summary>
public sealed class StorageOutagePolicy
{
    private readonly StorageOutageOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<StorageOutagePolicy> _logger;

    /// <summary>Creates the policy.</summary>
    public StorageOutagePolicy(IOptions<StorageOutageOptions> options, TimeProvider time, ILogger<StorageOutagePolicy> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>Runs <paramref name="attempt"/> until it returns; only <paramref name="cancellationToken"/> stops it.</summary>
    /// <param name="partition">The Event Hubs partition, the tag of the failed-attempt counter.</param>
    /// <param name="batch">What the batch is, for the log (e.g. its partition and first sequence number).</param>
    /// <param name="attempt">One ingest of the whole batch.</param>
    /// <param name="cancellationToken">The invocation's token (host shutdown, ownership lost).</param>
    /// <exception cref="OperationCanceledException">Cancelled before the batch was stored.</exception>
    public async Task<IngestResult> RunAsync(string partition, string batch, Func<CancellationToken, Task<IngestResult>> attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var delay = _options.FirstDelay;
        for (var number = 1; ; number++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var result = await attempt(cancellationToken);
                if (number > 1)
                {
                    FunctionAppLog.BatchStoredAfterRetries(_logger, batch, number);
                }

                return result;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Any failure: a storage outage (StorageUnavailableException) or anything unforeseen. Ending the
                // invocation would let the host checkpoint past the batch, so the partition waits instead.
                FunctionAppLog.BatchAttemptFailed(_logger, batch, number, delay, ex);
                FunctionAppTelemetry.BatchAttemptFailed.Add(1, new KeyValuePair<string, object?>("partition", partition));
            }

            await Task.Delay(delay, _time, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxDelay.Ticks));
        }
    }
}

/// <summary>Registers <see cref="StorageOutagePolicy"/>.</summary>
public static class StorageOutagePolicyServiceCollectionExtensions
{
    /// <summary>Binds <see cref="StorageOutageOptions"/> and registers the policy as a singleton.</summary>
    public static IServiceCollection AddStorageOutagePolicy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOutageOptions>()
            .Bind(configuration.GetSection(StorageOutageOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<StorageOutagePolicy>();
        return services;
    }
}
