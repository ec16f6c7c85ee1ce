using Microsoft.Extensions.Logging;

namespace AcsFunctions.Queries;

/// <summary>Source-generated log messages of the query service (event ids 4100–4199 of the 4xxx area).</summary>
internal static partial class QueryLog
{
    [LoggerMessage(EventId = 4100, EventName = "QueryCompleted", Level = LogLevel.Debug,
        Message = "Query {Kind} [{From}, {To}) interval {Interval}: {Rows} rows in {Elapsed}")]
    public static partial void QueryCompleted(ILogger logger, string kind, DateTimeOffset from, DateTimeOffset to, string interval, int rows, TimeSpan elapsed);

    [LoggerMessage(EventId = 4101, EventName = "QueryRejected", Level = LogLevel.Debug,
        Message = "Query {Kind} rejected: {Problem}")]
    public static partial void QueryRejected(ILogger logger, string kind, string problem);
}
