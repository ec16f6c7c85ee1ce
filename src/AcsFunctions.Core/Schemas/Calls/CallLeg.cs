using AcsFunctions.Dispatch;
using AcsFunctions.Records;

namespace AcsFunctions.Schemas.Calls;

/// <summary>
/// The identity of one call leg shared by CallSummary and CallDiagnostics records: participant (group calls),
/// endpoint (P2P calls, where <c>participantId</c> is <c>"null"</c>), endpoint type and update version.
/// </summary>
public sealed class CallLeg
{
    private CallLeg(FieldValue<string> participantId, FieldValue<string> endpointId, string endpointType, int version, FieldValue<long> rawVersion, string id)
    {
        ParticipantId = participantId;
        EndpointId = endpointId;
        EndpointType = endpointType;
        Version = version;
        RawVersion = rawVersion;
        Id = id;
    }

    /// <summary>The participant id (trimmed; absent in P2P calls).</summary>
    public FieldValue<string> ParticipantId { get; }

    /// <summary>The endpoint id (absent for Server endpoints).</summary>
    public FieldValue<string> EndpointId { get; }

    /// <summary>The normalised endpoint type.</summary>
    public string EndpointType { get; }

    /// <summary>The update version (0 for the plain categories).</summary>
    public int Version { get; }

    /// <summary>The <c>callUpdatesVersion</c> field as read.</summary>
    public FieldValue<long> RawVersion { get; }

    /// <summary>The leg's key component: participant id, else endpoint id, else <c>~</c> + the record id.</summary>
    public string Id { get; }

    /// <summary>True when any identifying or device field was <c>"Redacted"</c> (a cross-tenant participant).</summary>
    public bool Redacted { get; private init; }

    /// <summary>Reads the leg of a call record.</summary>
    public static CallLeg Read(RecordContext context, bool updatesCategory)
    {
        var r = context.Record;
        var participant = r.GetString("participantId");
        var endpoint = r.GetString("endpointId");
        var rawVersion = r.GetInt64("callUpdatesVersion");
        var version = updatesCategory && rawVersion.OrNull() is { } v ? (int)Math.Clamp(v, 0, CallRowKeys.MaxVersion) : 0;
        var id = participant.OrNull() ?? endpoint.OrNull() ?? "~" + context.RecordId;
        // The device fields are only checked here (their columns are read by the handler): no text is made for them.
        var redacted = participant.IsRedacted || endpoint.IsRedacted ||
            r.GetState("sdkVersion") == FieldState.Redacted || r.GetState("osVersion") == FieldState.Redacted ||
            r.GetState("identifier") == FieldState.Redacted;
        return new CallLeg(participant, endpoint, EndpointTypes.Normalize(r.GetString("endpointType").OrNull()), version, rawVersion, id)
        {
            Redacted = redacted,
        };
    }

    /// <summary>How many columns <see cref="AddTo"/> adds at most.</summary>
    public const int ColumnCount = 6;

    /// <summary>Adds the leg columns: ParticipantId, EndpointId, EndpointType, Identifier, CallUpdatesVersion.</summary>
    public ColumnSet AddTo(ColumnSet columns, DiagnosticRecord record)
    {
        columns
            .Add("ParticipantId", ParticipantId)
            .Add("EndpointId", EndpointId)
            .Add("EndpointType", EndpointType)
            .Add("Identifier", record.GetString("identifier"))
            .Add("CallUpdatesVersion", Version);
        if (RawVersion.IsUnconvertible)
        {
            columns.Add("CallUpdatesVersionRaw", RawVersion.Original);
        }

        return columns;
    }
}
