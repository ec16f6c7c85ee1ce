namespace AcsFunctions.Dispatch;

/// <summary>A per-schema handler: enriches the records of the categories it owns.</summary>
public interface IRecordHandler
{
    /// <summary>The canonical categories this handler owns. A category owned twice fails at start-up.</summary>
    IReadOnlyCollection<string> Categories { get; }

    /// <summary>Enriches one record. Must not throw for bad data: return a dead-letter outcome instead.</summary>
    HandlerOutcome Handle(RecordContext context);
}
