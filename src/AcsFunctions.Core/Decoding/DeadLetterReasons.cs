namespace AcsFunctions.Decoding;

/// <summary>Stable reason codes for dead letters (stored, counted and queryable).</summary>
public static class DeadLetterReasons
{
    /// <summary>The body had no bytes, or only white space.</summary>
    public const string EmptyBody = "empty-body";

    /// <summary>The body (or NDJSON line) is not valid UTF-8.</summary>
    public const string InvalidUtf8 = "invalid-utf8";

    /// <summary>The body (or NDJSON line) is not valid JSON.</summary>
    public const string InvalidJson = "invalid-json";

    /// <summary>The body is an object whose <c>records</c> member is not an array.</summary>
    public const string RecordsNotArray = "records-not-array";

    /// <summary>The body is a JSON primitive (string, number, …), not a record container.</summary>
    public const string UnsupportedShape = "unsupported-shape";

    /// <summary>A record element is not a JSON object.</summary>
    public const string NotAnObject = "not-an-object";

    /// <summary>A record has no <c>category</c> and is not a platform-metric record.</summary>
    public const string MissingCategory = "missing-category";

    /// <summary>A record has no usable <c>time</c> / <c>timeStamp</c> / <c>TimeGenerated</c>.</summary>
    public const string InvalidTime = "invalid-time";

    /// <summary>A record's time is outside the accepted event times (<see cref="Storage.EventTimeRange"/>: 1601-01-01 to 9999-01-01).</summary>
    public const string TimeOutOfRange = "time-out-of-range";

    /// <summary>A call record (summary/diagnostics) has no correlation id, so it cannot be joined to its call.</summary>
    public const string MissingCorrelationId = "missing-correlation-id";

    /// <summary>A handler failed on the record (the message is kept as the detail).</summary>
    public const string HandlerError = "handler-error";

    /// <summary>
    /// A whole Event Hubs body of a batch that failed the same way on every attempt, for a reason that is not storage
    /// availability (the Functions app's <c>PoisonAfterAttempts</c>); the detail names the exception and the attempts.
    /// </summary>
    public const string BatchFailed = "batch-failed";
}
