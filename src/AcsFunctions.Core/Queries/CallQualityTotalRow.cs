using AcsFunctions.Rollups;

namespace AcsFunctions.Queries;

/// <summary>
/// One <c>call-quality</c> row of view <c>totals</c>: the streams of the calls that started in one window, summed over
/// every resource, media type, direction and transport the query selects.
/// </summary>
public sealed record CallQualityTotalRow : QueryRow
{
    /// <inheritdoc />
    internal override DateTimeOffset FlagWindow => WindowStart;

    /// <summary>Start of the window (UTC) the calls started in.</summary>
    public required DateTimeOffset WindowStart { get; init; }

    /// <summary>Streams.</summary>
    public long Streams { get; init; }

    /// <summary>Poor streams.</summary>
    public long PoorStreams { get; init; }

    /// <summary>Poor streams per reason (a stream can have several reasons).</summary>
    public required IReadOnlyDictionary<string, long> PoorReasons { get; init; }

    /// <summary>The row of the stream groups of one window merged into one.</summary>
    public static CallQualityTotalRow From(DateTimeOffset windowStart, StreamGroup g) => new()
    {
        WindowStart = windowStart,
        Streams = g.Streams,
        PoorStreams = g.PoorStreams,
        PoorReasons = g.PoorReasons.ToDictionary(),
    };
}
