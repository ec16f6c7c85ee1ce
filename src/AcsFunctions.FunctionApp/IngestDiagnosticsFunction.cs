using AcsFunctions.Functions;
using Microsoft.Azure.Functions.Worker;

namespace AcsFunctions.FunctionApp;

/// <summary>
/// Event Hubs → <see cref="EventHubBatchIngestor"/>. Data errors are dead-lettered inside the pipeline; a storage
/// outage throws, and the unlimited exponential retry keeps re-running this same batch (5 s doubling to 5 min) without
/// checkpointing, so the partition waits for storage instead of skipping events. Re-ingest is idempotent.
/// </summary>
public sealed class IngestDiagnosticsFunction
{
    private readonly EventHubBatchIngestor _ingestor;

    /// <summary>Creates the function.</summary>
    public IngestDiagnosticsFunction(EventHubBatchIngestor ingestor)
    {
        _ingestor = ingestor;
    }

    /// <summary>Ingests one batch of diagnostic-settings events.</summary>
    [Function("IngestDiagnostics")]
    [ExponentialBackoffRetry(-1, "00:00:05", "00:05:00")]
    public async Task IngestDiagnostics(
        [EventHubTrigger("%EventHubName%", Connection = "EventHubConnection", ConsumerGroup = "%EventHubConsumerGroup%", IsBatched = true)] string[] bodies,
        DateTime[] enqueuedTimeUtcArray,
        long[] sequenceNumberArray,
        string[] offsetArray,
        FunctionContext context)
    {
        IReadOnlyDictionary<string, object?> bindingData = context.BindingContext.BindingData;
        CancellationToken cancellationToken = context.CancellationToken;
        await _ingestor.IngestAsync(bodies, enqueuedTimeUtcArray, sequenceNumberArray, offsetArray, bindingData, cancellationToken);
    }
}
