namespace AcsFunctions.Generation;

/// <summary>One synthetic record: its JSON bytes plus what the summary needs to know about it.</summary>
internal sealed class GeneratedRecord
{
    public GeneratedRecord(byte[] json, string category, DateTimeOffset time)
    {
        Json = json;
        Category = category;
        Time = time;
    }

    /// <summary>The record's compact JSON.</summary>
    public byte[] Json { get; }

    /// <summary>The canonical category (what the pipeline counts it as).</summary>
    public string Category { get; }

    /// <summary>The event time.</summary>
    public DateTimeOffset Time { get; }

    /// <summary>
    /// For call records: the key the call handler stores it under (summary: call + participant or endpoint;
    /// diagnostics: call + participant or endpoint + media type + stream id). The highest
    /// <see cref="Version"/> per key is the one that counts.
    /// </summary>
    public string? LogicalKey { get; init; }

    /// <summary>For call records: <c>callUpdatesVersion</c> (0 for the plain categories).</summary>
    public int Version { get; init; }

    /// <summary>For call records: the call id (correlation id).</summary>
    public string? CallId { get; init; }

    /// <summary>For diagnostics records: the broken thresholds (empty when the stream is healthy).</summary>
    public IReadOnlyList<string> PoorReasons { get; init; } = [];

    /// <summary>
    /// Facts the summary counts (per distinct stored record), e.g. <c>status:429</c>, <c>sms:Blocked</c>,
    /// <c>email:Delivered</c>, <c>end:UnexpectedClientError</c>.
    /// </summary>
    public IReadOnlyList<string> Tags { get; init; } = [];
}
