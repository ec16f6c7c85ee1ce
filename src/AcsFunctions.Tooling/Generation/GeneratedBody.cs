using System.Globalization;
using AcsFunctions.Decoding;

namespace AcsFunctions.Generation;

/// <summary>One synthetic event body, in delivery order.</summary>
public sealed class GeneratedBody
{
    internal GeneratedBody(long index, long sequence, DateTimeOffset enqueuedTime, byte[] data, int units, int deadLetterUnits)
    {
        Index = index;
        Sequence = sequence;
        EnqueuedTime = enqueuedTime;
        Data = data;
        Units = units;
        DeadLetterUnits = deadLetterUnits;
    }

    /// <summary>Position in delivery order (0-based).</summary>
    public long Index { get; }

    /// <summary>The event's sequence number: a re-delivered body keeps the original's, as an Event Hubs replay does.</summary>
    public long Sequence { get; }

    /// <summary>When the event was enqueued (derived from the minute it was generated for; never the clock).</summary>
    public DateTimeOffset EnqueuedTime { get; }

    /// <summary>The body's UTF-8 bytes (<c>{"records":[...]}</c>, unless malformed).</summary>
    public byte[] Data { get; }

    /// <summary>Units the pipeline will count for it: its records, or 1 for a body that cannot be decoded.</summary>
    public int Units { get; }

    /// <summary>Of <see cref="Units"/>, those that will be dead-lettered.</summary>
    public int DeadLetterUnits { get; }

    /// <summary>True when this is a second delivery of an earlier body.</summary>
    public bool Duplicate { get; init; }

    /// <summary>True when the body carries records held back for windows long past.</summary>
    public bool Late { get; init; }

    /// <summary>The dead-letter reason the malformation is expected to produce, or null when the body is clean.</summary>
    public string? Malformation { get; init; }

    /// <summary>The body as the pipeline receives it from Event Hubs (4 synthetic partitions).</summary>
    public EventBody ToEventBody() => new(Data, new Lineage
    {
        PartitionId = (Sequence % 4).ToString(CultureInfo.InvariantCulture),
        SequenceNumber = Sequence / 4,
        Offset = (Sequence * 1024).ToString(CultureInfo.InvariantCulture),
        EnqueuedTime = EnqueuedTime,
    });
}
