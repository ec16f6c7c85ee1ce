using AcsFunctions.Decoding;
using AcsFunctions.Records;

namespace AcsFunctions.Dispatch;

/// <summary>Everything a handler needs to enrich one record. The envelope fields are already resolved.</summary>
public sealed class RecordContext
{
    /// <summary>The lenient record view (after the privacy policy was applied).</summary>
    public required DiagnosticRecord Record { get; init; }

    /// <summary>Canonical category (see <see cref="Categories.Canonicalize"/>).</summary>
    public required string Category { get; init; }

    /// <summary>The category exactly as it arrived (e.g. <c>CallSummaryPRIVATEPREVIEW</c>).</summary>
    public required string RawCategory { get; init; }

    /// <summary>The record's event time (<c>time</c> / <c>timeStamp</c> / <c>TimeGenerated</c>), UTC.</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>The emitting resource.</summary>
    public required ResourceRef Resource { get; init; }

    /// <summary>Where the record came from.</summary>
    public required Lineage Lineage { get; init; }

    /// <summary>Deterministic id of the record's content (whitespace-insensitive hash of the original JSON).</summary>
    public required string RecordId { get; init; }

    /// <summary>The record's correlation id (<c>correlationId</c> / <c>correlationIdentifier</c>), trimmed.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>The record's operation name.</summary>
    public string? OperationName { get; init; }
}
