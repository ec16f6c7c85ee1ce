using Microsoft.Extensions.Logging;

namespace AcsFunctions.Drift;

/// <summary>Log messages of schema-drift detection (event ids 5100–5199).</summary>
internal static partial class DriftLog
{
    [LoggerMessage(EventId = 5100, EventName = "SchemaNewCategory", Level = LogLevel.Information,
        Message = "Schema: new category {Category} ({Fields} fields)")]
    public static partial void NewCategory(ILogger logger, string category, int fields);

    [LoggerMessage(EventId = 5101, EventName = "SchemaDrift", Level = LogLevel.Warning,
        Message = "Schema drift in {Category}: {Change} {Field} ({Detail}); example record {RecordId} from {Source}")]
    public static partial void Drift(ILogger logger, string category, string change, string? field, string detail, string? recordId, string? source);

    [LoggerMessage(EventId = 5102, EventName = "SchemaWriteFailed", Level = LogLevel.Warning,
        Message = "Schema: could not write {Rows} row(s) of {Category}: {Error}")]
    public static partial void WriteFailed(ILogger logger, int rows, string category, string error);

    [LoggerMessage(EventId = 5103, EventName = "SchemaObserveFailed", Level = LogLevel.Warning,
        Message = "Schema: could not read the fields of {Category} record {RecordId}: {Error}")]
    public static partial void ObserveFailed(ILogger logger, string category, string recordId, string error);

    [LoggerMessage(EventId = 5104, EventName = "SchemaFinalWriteFailed", Level = LogLevel.Warning,
        Message = "Schema: could not write the last field counts of {Category} at shutdown (they are lost; detected changes were written): {Error}")]
    public static partial void FinalWriteFailed(ILogger logger, string category, string error);

    [LoggerMessage(EventId = 5105, EventName = "SchemaDocumentedFieldSeen", Level = LogLevel.Information,
        Message = "Schema: {Category} has documented field {Field} for the first time ({Kinds}); not drift")]
    public static partial void DocumentedFieldSeen(ILogger logger, string category, string field, string kinds);
}
