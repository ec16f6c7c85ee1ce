using AcsFunctions.Functions;
using AcsFunctions.Ingestion;
using Microsoft.Azure.Functions.Worker;

namespace AcsFunctions.FunctionApp;

/// <summary>
/// Event Hubs → <see cref="EventHubBatchIngestor"/>. Data errors are dead-lettered inside the pipeline. A storage outage
/// does not end the invocation: <see cref="StorageOutagePolicy"/> attempts the same batch again until it is stored, so
/// the extension (which checkpoints after every completed invocation, failed or not) never moves past unstored events;
/// host shutdown cancels the invocation, which the extension does not checkpoint. Re-ingest is idempotent.
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
            $"partition {partition} seq {FirstOrNone(sequenceNumberArray)}",
            token => _ingestor.IngestAsync(bodies, enqueuedTimeUtcArray, sequenceNumberArray, offsetArray, bindingData, token),
            cancellationToken);
        _telemetry.BatchIngested(partition, result, enqueuedTimeUtcArray);
    }

    private static string FirstOrNone(long[]? sequenceNumbers) => sequenceNumbers is { Length: > 0 } ? sequenceNumbers[0].ToString(System.Globalization.CultureInfo.InvariantCulture) : "-";
}
