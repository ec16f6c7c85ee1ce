using System.Diagnostics.CodeAnalysis;
using AcsFunctions.Decoding;
using AcsFunctions.Records;

namespace AcsFunctions.Dispatch;

/// <summary>
/// Everything a handler needs to enrich one record. The envelope fields are already resolved. Valid while its record
/// is handled and observed: the record path reuses one context per thread (issue 18), so keep its values, not it.
/// </summary>
public sealed class RecordContext
{
    private DiagnosticRecord _record = null!;
    private string _category = null!;
    private string _rawCategory = null!;
    private DateTimeOffset _time;
    private ResourceRef _resource = null!;
    private Lineage _lineage = null!;
    private string _recordId = null!;
    private string? _correlationId;
    private string? _operationName;

    /// <summary>A context whose members are set by an object initializer.</summary>
    public RecordContext()
    {
    }

    /// <summary>An empty context, filled by <see cref="Reuse"/> before anything reads it (the envelope fills a thread's reused one or a new one).</summary>
#pragma warning disable CS8618 // its members are set by Reuse before anything reads them
    [SetsRequiredMembers]
    internal RecordContext(bool reusable)
    {
        _ = reusable;
    }
#pragma warning restore CS8618

    /// <summary>The lenient record view (after the privacy policy was applied).</summary>
    public required DiagnosticRecord Record { get => _record; init => _record = value; }

    /// <summary>Canonical category (see <see cref="Categories.Canonicalize"/>).</summary>
    public required string Category { get => _category; init => _category = value; }

    /// <summary>The category exactly as it arrived (e.g. <c>CallSummaryPRIVATEPREVIEW</c>).</summary>
    public required string RawCategory { get => _rawCategory; init => _rawCategory = value; }

    /// <summary>The record's event time (<c>time</c> / <c>timeStamp</c> / <c>TimeGenerated</c>), UTC.</summary>
    public required DateTimeOffset Time { get => _time; init => _time = value; }

    /// <summary>The emitting resource.</summary>
    public required ResourceRef Resource { get => _resource; init => _resource = value; }

    /// <summary>Where the record came from.</summary>
    public required Lineage Lineage { get => _lineage; init => _lineage = value; }

    /// <summary>Deterministic id of the record's content (whitespace-insensitive hash of the original JSON).</summary>
    public required string RecordId { get => _recordId; init => _recordId = value; }

    /// <summary>The record's correlation id (<c>correlationId</c> / <c>correlationIdentifier</c>), trimmed.</summary>
    public string? CorrelationId { get => _correlationId; init => _correlationId = value; }

    /// <summary>The record's operation name.</summary>
    public string? OperationName { get => _operationName; init => _operationName = value; }

    /// <summary>Makes this context the next record's, every member set as a new one's would be (see the remarks above).</summary>
    internal RecordContext Reuse(
        DiagnosticRecord record,
        string category,
        string rawCategory,
        DateTimeOffset time,
        ResourceRef resource,
        Lineage lineage,
        string recordId,
        string? correlationId,
        string? operationName)
    {
        _record = record;
        _category = category;
        _rawCategory = rawCategory;
        _time = time;
        _resource = resource;
        _lineage = lineage;
        _recordId = recordId;
        _correlationId = correlationId;
        _operationName = operationName;
        return this;
    }
}
