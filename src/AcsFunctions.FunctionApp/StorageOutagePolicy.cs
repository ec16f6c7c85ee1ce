using System.ComponentModel.DataAnnotations;
using AcsFunctions.Ingestion;
using AcsFunctions.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcsFunctions.FunctionApp;

/// <summary>Backoff and poison limit of <see cref="StorageOutagePolicy"/> (section <c>AcsFunctions:EventHubOutage</c>).</summary>
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

    /// <summary>
    /// After this many failed attempts of a batch that were not storage availability (a bug, a refusal our code does not
    /// dead-letter), every body of the batch is dead-lettered whole (<c>batch-failed</c>) and the partition goes on; 0:
    /// never (hold the batch until it is fixed or ages out of the hub). The default 8 gives a transient fault about ten
    /// minutes with the default backoff (5 s doubling to 5 min).
    /// </summary>
    [Range(0, 1000)]
    public int PoisonAfterAttempts { get; set; } = 8;
}

/// <summary>
/// Keeps an Event Hubs invocation open until its whole batch is stored or dead-lettered. The Event Hubs extension the app
/// compiles against (worker extension 5.1.0) has no function-level retry, and its listener checkpoints a batch after the
/// invocation ends <em>whether it succeeded or failed</em> — it skips the checkpoint only when the invocation was
/// cancelled (host shutdown, partition ownership lost). So a failed attempt must not end the invocation: each attempt
/// runs the pipeline (whose table writer already retries a write a bounded number of times), and when an attempt throws
/// the same batch is attempted again after a backoff (first delay doubling to the max delay). A failure of storage
/// availability (<see cref="TransientErrors.IsUnavailability"/>: outage, throttling, refused credentials) is held without
/// limit — nothing could be dead-lettered then either. Any other failure is deterministic: after
/// <see cref="StorageOutageOptions.PoisonAfterAttempts"/> of them the batch is set aside (every body dead-lettered whole
/// with the last exception and its lineage) and the invocation completes, so the host checkpoints and the partition goes
/// on instead of holding until the hub's retention drops the batch and everything behind it. Availability failures in
/// between neither count nor reset the count. If setting aside fails, the batch is held and the next attempt tries again.
/// Re-ingest is idempotent, so rows a failed attempt did write are written again unchanged. Cancellation ends the wait
/// with <see cref="OperationCanceledException"/>: the invocation ends without success and the extension does not
/// checkpoint. See docs/reliability.md.
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

    /// <summary>
    /// Runs <paramref name="attempt"/> until it returns, or until it failed deterministically
    /// <see cref="StorageOutageOptions.PoisonAfterAttempts"/> times and <paramref name="deadLetter"/> set the batch aside;
    /// only <paramref name="cancellationToken"/> stops it otherwise.
    /// </summary>
    /// <param name="partition">The Event Hubs partition, the tag of the counters.</param>
    /// <param name="firstSequenceNumber">The batch's first sequence number, for the log.</param>
    /// <param name="attempt">One ingest of the whole batch.</param>
    /// <param name="deadLetter">Dead-letters every body of the batch whole; given the last failure and the number of deterministic failures.</param>
    /// <param name="cancellationToken">The invocation's token (host shutdown, ownership lost).</param>
    /// <exception cref="OperationCanceledException">Cancelled before the batch was stored.</exception>
    public async Task<IngestResult> RunAsync(
        string partition,
        string firstSequenceNumber,
        Func<CancellationToken, Task<IngestResult>> attempt,
        Func<Exception, int, CancellationToken, Task<IngestResult>> deadLetter,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        ArgumentNullException.ThrowIfNull(deadLetter);
        var batch = $"partition {partition} seq {firstSequenceNumber}";
        var tag = new KeyValuePair<string, object?>("partition", partition);
        var delay = _options.FirstDelay;
        var deterministic = 0;
        for (var number = 1; ; number++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Exception failure;
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
                // Ending the invocation would let the host checkpoint past the batch, so the partition waits instead.
                failure = ex;
            }

            var unavailable = TransientErrors.IsUnavailability(failure);
            var kind = unavailable ? "availability" : "deterministic";
            FunctionAppTelemetry.BatchAttemptFailed.Add(1, tag, new KeyValuePair<string, object?>("failure", kind));
            if (!unavailable && ++deterministic >= _options.PoisonAfterAttempts && _options.PoisonAfterAttempts > 0)
            {
                try
                {
                    var result = await deadLetter(failure, deterministic, cancellationToken);
                    FunctionAppLog.BatchDeadLettered(_logger, partition, firstSequenceNumber, deterministic, result.Bodies, failure);
                    FunctionAppTelemetry.BatchesDeadLettered.Add(1, tag);
                    return result;
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    // Nothing may be lost: hold, and set the batch aside at the next deterministic failure.
                    FunctionAppLog.BatchDeadLetterFailed(_logger, batch, deterministic, ex);
                }
            }

            FunctionAppLog.BatchAttemptFailed(_logger, batch, number, kind, delay, failure);
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
