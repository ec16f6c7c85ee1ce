using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;

namespace AcsFunctions.Cli.Send;

/// <summary>Progress of a send: events and bytes published so far, batches sent.</summary>
internal readonly record struct SendProgress(int Events, long Bytes, int Batches);

/// <summary>
/// Publishes bodies to an Event Hub in <see cref="EventDataBatch"/>es: a batch is filled until the service's size limit
/// refuses the next event, then sent; an event too large for an empty batch fails the send (naming it) rather than being
/// dropped. Every event carries the application property <see cref="RunProperty"/>.
/// </summary>
internal sealed class EventHubSender(EventHubProducerClient producer)
{
    /// <summary>The application property naming the run.</summary>
    public const string RunProperty = "acs-diag-run";

    /// <summary>Sends every body; returns the totals.</summary>
    public async Task<SendProgress> SendAsync(string run, IEnumerable<ReadOnlyMemory<byte>> bodies, IProgress<SendProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bodies);
        var sent = new SendProgress(0, 0, 0);
        var pending = (Events: 0, Bytes: 0L);
        EventDataBatch batch = await producer.CreateBatchAsync(cancellationToken);
        try
        {
            var index = 0;
            foreach (var body in bodies)
            {
                var data = new EventData(body);
                data.Properties[RunProperty] = run;
                if (!batch.TryAdd(data))
                {
                    if (batch.Count == 0)
                    {
                        throw new InvalidOperationException($"event {index} ({body.Length:N0} bytes) is larger than an Event Hubs batch allows ({batch.MaximumSizeInBytes:N0} bytes)");
                    }

                    await producer.SendAsync(batch, cancellationToken);
                    sent = new SendProgress(sent.Events + pending.Events, sent.Bytes + pending.Bytes, sent.Batches + 1);
                    progress?.Report(sent);
                    batch.Dispose();
                    pending = (0, 0);
                    batch = await producer.CreateBatchAsync(cancellationToken);
                    if (!batch.TryAdd(data))
                    {
                        throw new InvalidOperationException($"event {index} ({body.Length:N0} bytes) is larger than an Event Hubs batch allows ({batch.MaximumSizeInBytes:N0} bytes)");
                    }
                }

                pending = (pending.Events + 1, pending.Bytes + body.Length);
                index++;
            }

            if (batch.Count > 0)
            {
                await producer.SendAsync(batch, cancellationToken);
                sent = new SendProgress(sent.Events + pending.Events, sent.Bytes + pending.Bytes, sent.Batches + 1);
                progress?.Report(sent);
            }

            return sent;
        }
        finally
        {
            batch.Dispose();
        }
    }
}
