using AcsFunctions.Dispatch;
using AcsFunctions.Schemas.ApiRequests;

namespace AcsFunctions.Schemas.CallClient;

/// <summary>
/// CallClientOperations: one row per Calling SDK operation (CreateView, Join, Mute, …) with the request columns
/// (<see cref="ApiRequestColumns"/>: status, success, duration), the call/participant/client ids, and the
/// <c>OperationPayload</c> parsed into <c>Payload&lt;Name&gt;</c> columns (<see cref="OperationPayload"/>); a
/// payload that is not JSON is kept as it arrived with <c>PayloadParsed = false</c>.
/// </summary>
public sealed class CallClientOperationsHandler : IRecordHandler
{
    /// <inheritdoc />
    public IReadOnlyCollection<string> Categories { get; } = [Dispatch.Categories.CallClientOperations];

    /// <inheritdoc />
    public HandlerOutcome Handle(RecordContext context)
    {
        var r = context.Record;
        var columns = new ColumnSet(ApiRequestColumns.Count + CallClientIds.Count + 3 + OperationPayload.MaxColumnsAdded);
        ApiRequestColumns.Add(columns, r);
        CallClientIds.Add(columns, r)
            .Add("OperationType", r.GetString("OperationType"))
            .Add("OperationId", r.GetString("OperationId"))
            .Add("UserAgent", r.GetString("UserAgent"));
        OperationPayload.Add(columns, r);
        return new EnrichedRecord { Placement = RecordPlacement.Window, Columns = columns };
    }
}
