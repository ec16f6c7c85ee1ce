using System.Text.Json;
using AcsFunctions.Decoding;
using AcsFunctions.Ingestion;
using Microsoft.Extensions.Logging;

namespace AcsFunctions.Functions;

/// <summary>
/// What the Functions app's Event Hubs trigger does with one batch: pair every body with its lineage (partition,
/// sequence number, offset, enqueued time from the trigger's binding data) and run the <see cref="IngestPipeline"/>.
/// Data errors end as dead letters inside the pipeline; a storage outage escapes as
/// <see cref="Storage.StorageUnavailableException"/> so the app's outage policy holds the partition and attempts the
/// same batch again (re-ingest is idempotent); a batch that fails on every attempt for another reason can be set aside
/// whole (<see cref="DeadLetterAsync"/>).
/// </summary>
public sealed class EventHubBatchIngestor
{
    /// <summary>The binding-data key carrying the partition context (a JSON object with <c>PartitionId</c>).</summary>
    public const string PartitionContextKey = "PartitionContext";

    private readonly IngestPipeline _pipeline;
    private readonly ILogger<EventHubBatchIngestor> _logger;

    /// <summary>Creates the ingestor.</summary>
    public EventHubBatchIngestor(IngestPipeline pipeline, ILogger<EventHubBatchIngestor> logger)
    {
        _pipeline = pipeline;
        _logger = logger;
    }

    /// <summary>Ingests one trigger batch.</summary>
    /// <param name="bodies">The event bodies (UTF-8 text, as the binding delivers them).</param>
    /// <param name="enqueuedTimesUtc">Per body: when Event Hubs enqueued it (may be shorter or empty).</param>
    /// <param name="sequenceNumbers">Per body: its sequence number (may be shorter or empty).</param>
    /// <param name="offsets">Per body: its offset (may be shorter or empty).</param>
    /// <param name="bindingData">The trigger's binding data; <see cref="PartitionContextKey"/> gives the partition.</param>
    /// <param name="cancellationToken">Cancels the batch (host shutdown).</param>
    /// <exception cref="Storage.StorageUnavailableException">Storage stayed down; the host must retry the batch.</exception>
    public async Task<IngestResult> IngestAsync(
        IReadOnlyList<string> bodies,
        IReadOnlyList<DateTime>? enqueuedTimesUtc,
        IReadOnlyList<long>? sequenceNumbers,
        IReadOnlyList<string>? offsets,
        IReadOnlyDictionary<string, object?>? bindingData,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bodies);
        var partition = PartitionId(bindingData);
        var result = await _pipeline.IngestAsync(Events(bodies, partition, enqueuedTimesUtc, sequenceNumbers, offsets), cancellationToken);
        FunctionsLog.BatchIngested(_logger, partition ?? "?", result.Bodies, result.Records, result.Stored, result.Unclassified, result.DeadLettered);
        if (!result.Reconciles)
        {
            FunctionsLog.BatchDoesNotReconcile(_logger, partition ?? "?", result.Records, result.Stored + result.Unclassified + result.DeadLettered);
        }

        return result;
    }

    /// <summary>
    /// Sets a trigger batch aside: every body is dead-lettered whole with <paramref name="reason"/> and
    /// <paramref name="detail"/> and its lineage, as <see cref="IngestAsync"/> would pair them (see
    /// <see cref="IngestPipeline.DeadLetterWholeAsync"/>).
    /// </summary>
    /// <exception cref="Storage.StorageUnavailableException">Storage stayed down; nothing is set aside.</exception>
    public Task<IngestResult> DeadLetterAsync(
        IReadOnlyList<string> bodies,
        IReadOnlyList<DateTime>? enqueuedTimesUtc,
        IReadOnlyList<long>? sequenceNumbers,
        IReadOnlyList<string>? offsets,
        IReadOnlyDictionary<string, object?>? bindingData,
        string reason,
        string detail,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bodies);
        var events = Events(bodies, PartitionId(bindingData), enqueuedTimesUtc, sequenceNumbers, offsets);
        return _pipeline.DeadLetterWholeAsync(events, reason, detail, cancellationToken);
    }

    /// <summary>The lineage of body <paramref name="index"/>; missing binding data leaves fields null.</summary>
    public static Lineage LineageAt(
        int index,
        string? partitionId,
        IReadOnlyList<DateTime>? enqueuedTimesUtc,
        IReadOnlyList<long>? sequenceNumbers,
        IReadOnlyList<string>? offsets) => new()
        {
            PartitionId = partitionId,
            SequenceNumber = sequenceNumbers is not null && index < sequenceNumbers.Count ? sequenceNumbers[index] : null,
            Offset = offsets is not null && index < offsets.Count ? offsets[index] : null,
            EnqueuedTime = enqueuedTimesUtc is not null && index < enqueuedTimesUtc.Count ? AsUtc(enqueuedTimesUtc[index]) : null,
        };

    /// <summary>
    /// The partition id from the binding data's <see cref="PartitionContextKey"/> — a JSON string in the isolated
    /// worker (<c>{"PartitionId":"3",...}</c>), or an already deserialized element; null when absent or unreadable.
    /// </summary>
    public static string? PartitionId(IReadOnlyDictionary<string, object?>? bindingData)
    {
        if (bindingData is null || !bindingData.TryGetValue(PartitionContextKey, out var value) || value is null)
        {
            return null;
        }

        try
        {
            return value switch
            {
                string text => FromJson(text),
                JsonElement element => FromElement(element),
                _ => FromJson(value.ToString() ?? string.Empty),
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static List<EventBody> Events(
        IReadOnlyList<string> bodies,
        string? partition,
        IReadOnlyList<DateTime>? enqueuedTimesUtc,
        IReadOnlyList<long>? sequenceNumbers,
        IReadOnlyList<string>? offsets)
    {
        var events = new List<EventBody>(bodies.Count);
        for (var i = 0; i < bodies.Count; i++)
        {
            events.Add(EventBody.FromString(bodies[i] ?? string.Empty, LineageAt(i, partition, enqueuedTimesUtc, sequenceNumbers, offsets)));
        }

        return events;
    }

    private static string? FromJson(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        using var document = JsonDocument.Parse(text);
        return FromElement(document.RootElement);
    }

    private static string? FromElement(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, "PartitionId", StringComparison.OrdinalIgnoreCase))
            {
                return property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.Number => property.Value.GetRawText(),
                    _ => null,
                };
            }
        }

        return null;
    }

    private static DateTimeOffset AsUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Local => new DateTimeOffset(value.ToUniversalTime(), TimeSpan.Zero),
        _ => new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc), TimeSpan.Zero),
    };
}
