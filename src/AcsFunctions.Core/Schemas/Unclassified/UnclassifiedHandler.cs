using AcsFunctions.Dispatch;

namespace AcsFunctions.Schemas.Unclassified;

/// <summary>
/// Categories no schema handler knows (ACS adds new ones regularly): stored raw with the envelope columns,
/// counted as unclassified, never dropped.
/// </summary>
public sealed class UnclassifiedHandler : IFallbackRecordHandler
{
    /// <inheritdoc />
    public IReadOnlyCollection<string> Categories { get; } = [];

    /// <inheritdoc />
    public HandlerOutcome Handle(RecordContext context)
    {
        var r = context.Record;
        var columns = new ColumnSet(4)
            .Add("OperationVersion", r.GetString("operationVersion"))
            .Add("ResultType", r.GetString("resultType"))
            .Add("ResultSignature", r.GetString("resultSignature"))
            .Add("Level", r.GetString("level"));
        return new EnrichedRecord { Placement = RecordPlacement.Window, Columns = columns, Unclassified = true };
    }
}
