using AcsFunctions.Dispatch;
using AcsFunctions.Records;

namespace AcsFunctions.Schemas.Usage;

/// <summary>
/// Usage (billing) records: <c>UsageType</c>, <c>UnitType</c>, <c>Quantity</c> (double), the usage record id as
/// <c>UsageRecordId</c> (the envelope's <c>RecordId</c> is the content hash), <c>ParticipantId</c> (joins to
/// CallSummary), <c>StartTime</c>/<c>EndTime</c> and <c>DurationSeconds</c> between them.
/// </summary>
public sealed class UsageHandler : IRecordHandler
{
    /// <inheritdoc />
    public IReadOnlyCollection<string> Categories { get; } = [Dispatch.Categories.Usage];

    /// <inheritdoc />
    public HandlerOutcome Handle(RecordContext context)
    {
        var r = context.Record;
        var start = r.GetDateTime("StartTime");
        var end = r.GetDateTime("EndTime");
        var columns = new ColumnSet(9)
            .Add("UsageType", r.GetString("UsageType"))
            .Add("UnitType", r.GetString("UnitType"))
            .Add("Quantity", r.GetDouble("Quantity"))
            .Add("UsageRecordId", r.GetString("RecordId"))
            .Add("ParticipantId", r.GetString("ParticipantId"))
            .Add("OperationVersion", r.GetString("operationVersion"))
            .Add("StartTime", start)
            .Add("EndTime", end);
        if (start.OrNull() is { } s && end.OrNull() is { } e && e >= s)
        {
            columns.Add("DurationSeconds", (e - s).TotalSeconds);
        }

        return new EnrichedRecord { Placement = RecordPlacement.Window, Columns = columns };
    }
}
