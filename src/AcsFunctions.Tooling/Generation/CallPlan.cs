namespace AcsFunctions.Generation;

/// <summary>One call: its id, shape and sessions.</summary>
internal sealed class CallPlan
{
    public required string CallId { get; init; }

    /// <summary>True for a group call, false for P2P.</summary>
    public bool Group { get; init; }

    public DateTimeOffset Start { get; init; }

    public long DurationSeconds { get; init; }

    public string? TeamsThreadId { get; init; }

    public List<CallSession> Sessions { get; } = [];
}
