namespace AcsFunctions.Generation;

/// <summary>One participant session (one CallSummary): a P2P endpoint, or a group participant (a rejoin is a new session).</summary>
internal sealed class CallSession
{
    /// <summary>Null in P2P calls (written as <c>"null"</c>); a rejoin gets a new one.</summary>
    public string? ParticipantId { get; init; }

    /// <summary>Stays the same when the participant rejoins.</summary>
    public required string EndpointId { get; init; }

    /// <summary>VoIP, PSTN or Bot.</summary>
    public required string EndpointType { get; init; }

    public string? Identifier { get; init; }

    public string? SdkVersion { get; init; }

    public string? OsVersion { get; init; }

    /// <summary>True for a participant from another tenant: SDK and OS versions are <c>Redacted</c>.</summary>
    public bool CrossTenant { get; init; }

    public string? TenantId { get; init; }

    public required string ParticipantType { get; init; }

    public string? PstnCallType { get; init; }

    public DateTimeOffset Start { get; init; }

    public long DurationSeconds { get; init; }

    public required EndReason EndReason { get; init; }

    /// <summary>Its outbound streams (and, in group calls, the server's inbound ones).</summary>
    public List<CallStream> Streams { get; } = [];

    /// <summary>The key the call handler stores the summary under (participant id, else endpoint id).</summary>
    public string Key => ParticipantId ?? EndpointId;
}
