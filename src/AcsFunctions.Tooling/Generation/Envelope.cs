namespace AcsFunctions.Generation;

/// <summary>The common-schema fields a synthetic record starts with.</summary>
/// <param name="Time">Event time.</param>
/// <param name="ResourceId">The emitting resource (upper case; sometimes without the leading slash, as in the docs).</param>
/// <param name="Category">The category string as sent.</param>
/// <param name="OperationName">The operation name.</param>
/// <param name="OperationVersion">The api-version or schema version, when the category has one.</param>
/// <param name="CorrelationId">The correlation id, when the category has one.</param>
internal readonly record struct Envelope(
    DateTimeOffset Time,
    string ResourceId,
    string Category,
    string OperationName,
    string? OperationVersion,
    string? CorrelationId);
