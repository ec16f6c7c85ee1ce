using AcsFunctions.Decoding;
using AcsFunctions.Functions;
using AcsFunctions.Ingestion;
using Microsoft.Azure.Functions.Worker;

namespace AcsFunctions.FunctionApp;

/// <summary>
/// Event Hubs → <see cref="EventHubBatchIngestor"/>. Data errors are dead-lettered inside the pipeline. A storage outage
/// does not end the invocation: <see cref="StorageOutagePolicy"/> attempts the same batch again until it is stored, so
/// the extension (which checkpoints after every completed invocation, failed or not) never moves past unstored events;
/// a batch that fails on every attempt for another reason is dead-lettered whole (<c>batch-failed</c>) after
/// <see cref="StorageOutageOptions.PoisonAfterAttempts"/>; host shutdown cancels the invocation, which the extension
/// does not checkpoint. Re-ingest is idempotent.
/// </summary>
public sealed class IngestDiagnosticsFunction
{
    private readonly EventHubBatchIngestor _ingestor;
    private readonly StorageOutagePolicy _outagePolicy;
    private readonly FunctionAppTelemetry _telemetry;

    /// <summary>Creates the function.</summary>
    public IngestDiagnosticsFunction(EventHubBatchIngestor ingestor, StorageOutagePolicy outagePolicy, FunctionAppTelemetry telemetry)
    {
        _ingestor = ingestor;
        _outagePolicy = outagePolicy;
        _telemetry = telemetry;
    }

    /// <summary>Ingests one batch of diagnostic-settings events; returns only when every event is stored or dead-lettered.</summary>
    [Function("IngestDiagnostics")]
    public async Task IngestDiagnostics(
        [EventHubTrigger("%EventHubName%", Connection = "EventHubConnection", ConsumerGroup = "%EventHubConsumerGroup%", IsBatched = true)] string[] bodies,
        DateTime[] enqueuedTimeUtcArray,
        long[] sequenceNumberArray,
        string[] offsetArray,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        IReadOnlyDictionary<string, object?> bindingData = context.BindingContext.BindingData;
        CancellationToken cancellationToken = context.CancellationToken;
        string partition = EventHubBatchIngestor.PartitionId(bindingData) ?? "?";
        IngestResult result = await _outagePolicy.RunAsync(
            partition,
            FirstOrNone(sequenceNumberArray),
            token => _ingestor.IngestAsync(bodies, enqueuedTimeUtcArray, sequenceNumberArray, offsetArray, bindingData, token),
            (failure, attempts, token) => _ingestor.DeadLetterAsync(
                bodies, enqueuedTimeUtcArray, sequenceNumberArray, offsetArray, bindingData, DeadLetterReasons.BatchFailed, BatchFailedDetail(failure, attempts), token),
            cancellationToken);
        // A batch set aside was not stored: its events' age is no ingest lag.
        _telemetry.BatchIngested(partition, result, result.DeadLetteredByReason.ContainsKey(DeadLetterReasons.BatchFailed) ? null : enqueuedTimeUtcArray);
    }

    /// <summary>The detail of a <c>batch-failed</c> dead letter: how often and with what the batch failed.</summary>
    internal static string BatchFailedDetail(Exception failure, int attempts) =>
        $"The batch failed {attempts} times, not for a storage outage; the last failure: {failure.GetType().FullName}: {failure.Message.Split('\n')[0].Trim()}. "
        + "Every body of the batch is dead-lettered whole; records an attempt stored before failing stay stored.";

    private static string FirstOrNone(long[]? sequenceNumbers) => sequenceNumbers is { Length: > 0 } ? sequenceNumbers[0].ToString(System.Globalization.CultureInfo.InvariantCulture) : "-";
}
