using AcsFunctions.Dispatch;
using AcsFunctions.Records;
using AcsFunctions.Storage;

namespace AcsFunctions.Schemas.Calls;

/// <summary>
/// CallSummary and CallSummaryUpdates: one record per participant (per endpoint in P2P calls), stored in the
/// call's partition under <c>S|&lt;leg&gt;|v&lt;version&gt;</c>. Enriched with the normalised endpoint type, the
/// end reason's meaning and class, the dropped flag, the cross-tenant flag, the OS family and durations.
/// </summary>
public sealed class CallSummaryHandler : IRecordHandler
{
    /// <inheritdoc />
    public IReadOnlyCollection<string> Categories { get; } = [Dispatch.Categories.CallSummary, Dispatch.Categories.CallSummaryUpdates];

    /// <inheritdoc />
    public HandlerOutcome Handle(RecordContext context)
    {
        var r = context.Record;
        var leg = CallLeg.Read(context, context.Category == Dispatch.Categories.CallSummaryUpdates);
        var columns = leg.AddTo(new ColumnSet(CallLeg.ColumnCount + 22), r);

        var code = r.GetInt64("participantEndReason");
        var subCode = r.GetInt64("participantEndSubCode");
        var resultCategory = r.GetString("resultCategory");
        var endReason = EndReasons.Classify(ToInt(code), ToInt(subCode), resultCategory.OrNull());
        var osVersion = r.GetString("osVersion");

        columns
            .Add("OperationVersion", r.GetString("operationVersion"))
            .Add("CallType", r.GetString("callType"))
            .Add("CallStartTime", WithinEventTimes(r.GetDateTime("callStartTime")))
            .Add("CallDurationSeconds", r.GetDouble("callDuration"))
            .Add("ParticipantStartTime", WithinEventTimes(r.GetDateTime("participantStartTime")))
            .Add("ParticipantDurationSeconds", r.GetDouble("participantDuration"))
            .Add("EndReasonCode", ToInt(code))
            .Add("EndSubCode", ToInt(subCode))
            .Add("EndReasonMeaning", endReason.Meaning)
            .Add("ResultCategory", EndReasons.NormalizeCategory(resultCategory.OrNull()))
            .Add("EndReasonClass", endReason.Class)
            .Add("Dropped", endReason.Dropped)
            .Add("CrossTenant", leg.Redacted)
            .Add("SdkVersion", r.GetString("sdkVersion"))
            .Add("OsVersion", osVersion)
            .Add("OsFamily", OsFamilies.Of(osVersion.OrNull()))
            .Add("ParticipantType", r.GetString("participantType"))
            .Add("ParticipantTenantId", r.GetString("participantTenantId"))
            .Add("PstnParticipantCallType", r.GetString("pstnParticipantCallType", "pstnPartcipantCallType"))
            .Add("TeamsThreadId", r.GetString("teamsThreadId"));
        AddUnconvertible(columns, "EndReasonCode", code);
        AddUnconvertible(columns, "EndSubCode", subCode);

        return new EnrichedRecord
        {
            Placement = RecordPlacement.Call,
            Columns = columns,
            CallRowKey = CallRowKeys.Summary(leg.Id, leg.Version),
        };
    }

    /// <summary>
    /// A start time outside the accepted event times (<see cref="EventTimeRange"/>) is kept like an unreadable one
    /// (<c>&lt;Name&gt;Raw</c>, and the call start falls back as when it is missing): it places the call, and a call
    /// placed outside that range could be neither rolled up past its minute nor queried.
    /// </summary>
    private static FieldValue<DateTimeOffset> WithinEventTimes(FieldValue<DateTimeOffset> field) =>
        field.HasValue && !EventTimeRange.Contains(field.Value) ? FieldValue<DateTimeOffset>.Unconvertible(field.Original) : field;

    private static int? ToInt(FieldValue<long> field) =>
        field.OrNull() is { } v and >= int.MinValue and <= int.MaxValue ? (int)v : null;

    private static void AddUnconvertible(ColumnSet columns, string name, FieldValue<long> field)
    {
        if (field.State == FieldState.Present && ToInt(field) is null)
        {
            columns.Add(name + "Raw", field.Original);
        }
    }
}
