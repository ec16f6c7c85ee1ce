using Azure.Data.Tables;
using AcsFunctions.Storage;

namespace AcsFunctions.Rollups;

/// <summary>
/// Stream quality of one (media type, direction, transport): streams, poor streams, counts per poor reason, and
/// the distributions of the streams' average round-trip time, jitter and packet-loss rate. Kept per call (inside
/// the call's aggregate row) and merged per call-start window into <see cref="TableNames.AggStreamQuality"/>.
/// </summary>
public sealed class StreamGroup
{
    /// <summary>Media type (<c>Audio</c>, <c>Video</c>, <c>ScreenSharing</c>, …; <c>Unknown</c> when absent).</summary>
    public required string MediaType { get; init; }

    /// <summary>Direction (<c>Inbound</c>/<c>Outbound</c>; <c>Unknown</c> when absent).</summary>
    public required string Direction { get; init; }

    /// <summary>Transport (<c>UDP</c>, <c>TCP</c>, …; <c>Unknown</c> when absent).</summary>
    public required string Transport { get; init; }

    /// <summary>Streams.</summary>
    public long Streams { get; set; }

    /// <summary>Streams with a poor verdict.</summary>
    public long PoorStreams { get; set; }

    /// <summary>Poor streams per reason (a stream can have several reasons).</summary>
    public ReasonCounts PoorReasons { get; private init; } = new();

    /// <summary>Per-stream average round-trip time, ms.</summary>
    public Distribution RttMs { get; private init; } = new();

    /// <summary>Per-stream average jitter, ms.</summary>
    public Distribution JitterMs { get; private init; } = new();

    /// <summary>Per-stream average packet-loss rate (fraction).</summary>
    public Distribution PacketLoss { get; private init; } = new();

    /// <summary>The grouping key of a diagnostics record.</summary>
    public static (string MediaType, string Direction, string Transport) KeyOf(TableEntity diagnostics) =>
        (EntityValues.Text(diagnostics, "MediaType") ?? "Unknown",
         EntityValues.Text(diagnostics, "Direction") ?? "Unknown",
         EntityValues.Text(diagnostics, "TransportType") ?? "Unknown");

    /// <summary>Adds one (latest-version) diagnostics record.</summary>
    public void Add(TableEntity diagnostics)
    {
        Streams++;
        if (EntityValues.Flag(diagnostics, "Poor") == true)
        {
            PoorStreams++;
            PoorReasons.AddList(EntityValues.Text(diagnostics, "PoorReasons"));
        }

        RttMs.Add(EntityValues.Number(diagnostics, "RoundTripTimeAvg"));
        JitterMs.Add(EntityValues.Number(diagnostics, "JitterAvg"));
        PacketLoss.Add(EntityValues.Number(diagnostics, "PacketLossRateAvg"));
    }

    /// <summary>Adds another group of the same key.</summary>
    public void Merge(StreamGroup other)
    {
        Streams += other.Streams;
        PoorStreams += other.PoorStreams;
        PoorReasons.Merge(other.PoorReasons);
        RttMs.Merge(other.RttMs);
        JitterMs.Merge(other.JitterMs);
        PacketLoss.Merge(other.PacketLoss);
    }

    /// <summary>An empty group with the same key.</summary>
    public StreamGroup EmptyCopy() => new() { MediaType = MediaType, Direction = Direction, Transport = Transport };

    /// <summary>The stream-quality aggregate row of a call-start window.</summary>
    public TableEntity ToEntity(DateTimeOffset window, ResourceInfo resource)
    {
        var entity = new TableEntity(Windows.Key(window), KeyEncoder.Join(resource.Key, MediaType, Direction, Transport))
        {
            ["MediaType"] = MediaType,
            ["Direction"] = Direction,
            ["Transport"] = Transport,
            ["Streams"] = Streams,
            ["PoorStreams"] = PoorStreams,
            ["PoorReasons"] = PoorReasons.ToJson(),
        };
        resource.WriteTo(entity, window);
        RttMs.WriteTo(entity, "RttMs");
        JitterMs.WriteTo(entity, "JitterMs");
        PacketLoss.WriteTo(entity, "PacketLoss");
        return entity;
    }

    /// <summary>Reads a stream-quality aggregate row.</summary>
    /// <exception cref="FormatException">A histogram column is malformed.</exception>
    public static StreamGroup FromEntity(TableEntity entity) => new()
    {
        MediaType = EntityValues.Text(entity, "MediaType") ?? "Unknown",
        Direction = EntityValues.Text(entity, "Direction") ?? "Unknown",
        Transport = EntityValues.Text(entity, "Transport") ?? "Unknown",
        Streams = entity.GetInt64("Streams") ?? 0,
        PoorStreams = entity.GetInt64("PoorStreams") ?? 0,
        PoorReasons = ReasonCounts.FromJson(EntityValues.Text(entity, "PoorReasons")),
        RttMs = Distribution.ReadFrom(entity, "RttMs"),
        JitterMs = Distribution.ReadFrom(entity, "JitterMs"),
        PacketLoss = Distribution.ReadFrom(entity, "PacketLoss"),
    };

    /// <summary>The compact binary form of several groups (stored on the call's aggregate row).</summary>
    public static byte[] ToBytes(IReadOnlyCollection<StreamGroup> groups)
    {
        var writer = new CompactWriter();
        writer.WriteVarUInt((ulong)groups.Count);
        foreach (var group in groups)
        {
            writer.WriteString(group.MediaType);
            writer.WriteString(group.Direction);
            writer.WriteString(group.Transport);
            writer.WriteVarUInt((ulong)group.Streams);
            writer.WriteVarUInt((ulong)group.PoorStreams);
            group.PoorReasons.Write(writer);
            group.RttMs.Write(writer);
            group.JitterMs.Write(writer);
            group.PacketLoss.Write(writer);
        }

        return writer.ToArray();
    }

    /// <summary>Reads what <see cref="ToBytes"/> wrote.</summary>
    /// <exception cref="FormatException">Malformed input.</exception>
    public static List<StreamGroup> FromBytes(ReadOnlySpan<byte> data)
    {
        var reader = new CompactReader(data);
        var count = reader.ReadCount();
        var groups = new List<StreamGroup>(Math.Min(count, 64));
        for (var i = 0; i < count; i++)
        {
            groups.Add(new StreamGroup
            {
                MediaType = reader.ReadString(),
                Direction = reader.ReadString(),
                Transport = reader.ReadString(),
                Streams = (long)reader.ReadVarUInt(),
                PoorStreams = (long)reader.ReadVarUInt(),
                PoorReasons = ReasonCounts.Read(ref reader),
                RttMs = Distribution.Read(ref reader),
                JitterMs = Distribution.Read(ref reader),
                PacketLoss = Distribution.Read(ref reader),
            });
        }

        return reader.AtEnd ? groups : throw new FormatException("Trailing bytes after the stream groups.");
    }
}
