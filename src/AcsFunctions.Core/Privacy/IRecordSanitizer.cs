using System.Runtime.InteropServices;
using System.Text.Json;

namespace AcsFunctions.Privacy;

/// <summary>
/// Applied to every record before anything is persisted (typed columns, raw copies and dead letters):
/// the privacy policy replaces personal data by keyed hashes or masks.
/// </summary>
public interface IRecordSanitizer
{
    /// <summary>
    /// Returns the record to persist. When nothing changes this is <paramref name="record"/> itself;
    /// otherwise a new element whose owning document the result holds (dispose the result after use).
    /// </summary>
    SanitizedRecord Sanitize(string category, JsonElement record);

    /// <summary>
    /// As <see cref="Sanitize(string, JsonElement)"/> for a record known by its UTF-8 text (one JSON object): the result
    /// owns whatever was parsed (dispose it after use). By default the text is parsed and the element sanitized.
    /// </summary>
    SanitizedRecord Sanitize(string category, ReadOnlyMemory<byte> utf8)
    {
        var document = JsonDocument.Parse(utf8);
        try
        {
            return Sanitize(category, document.RootElement).Owning(document);
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    /// <summary>Scrubs bytes that could not be parsed as JSON (dead-lettered bodies and lines) by pattern.</summary>
    ReadOnlyMemory<byte> SanitizeUnparsed(ReadOnlyMemory<byte> payload);

    /// <summary>Scrubs a human-readable text about a record (a dead letter's detail, which may quote a value) by pattern.</summary>
    string SanitizeText(string text) => text;
}

/// <summary>A record after the privacy policy: the element to use and its UTF-8 text.</summary>
public readonly struct SanitizedRecord : IDisposable
{
    private readonly IDisposable? _owner;
    private readonly IDisposable? _source;
    private readonly ReadOnlyMemory<byte> _utf8;
    private readonly bool _unchanged;

    /// <summary>Creates the result.</summary>
    public SanitizedRecord(JsonElement element, ReadOnlyMemory<byte> utf8, IDisposable? owner)
    {
        Element = element;
        _utf8 = utf8;
        _owner = owner;
    }

    private SanitizedRecord(JsonElement element, IDisposable? source)
    {
        Element = element;
        _unchanged = true;
        _source = source;
    }

    private SanitizedRecord(SanitizedRecord result, IDisposable source)
    {
        this = result;
        _source = source;
    }

    /// <summary>
    /// The record's id (<see cref="Records.RecordId.Compute"/> of <see cref="Utf8Span"/>) when the sanitizer computed it in
    /// the pass that wrote the record; null when the caller computes it.
    /// </summary>
    public string? RecordId { get; init; }

    /// <summary>The record to enrich and persist.</summary>
    public JsonElement Element { get; }

    /// <summary>Its UTF-8 JSON text (the raw copy that is stored); a copy when the record was unchanged.</summary>
    public ReadOnlyMemory<byte> Utf8 => _unchanged ? JsonMarshal.GetRawUtf8Value(Element).ToArray() : _utf8;

    /// <summary>Its UTF-8 JSON text without a copy (valid while the source document and this result live).</summary>
    public ReadOnlySpan<byte> Utf8Span => _unchanged ? JsonMarshal.GetRawUtf8Value(Element) : _utf8.Span;

    /// <summary>The result for a record the policy left as it was (its text is the element's own bytes, not copied).</summary>
    public static SanitizedRecord Unchanged(JsonElement element) => new(element, null);

    /// <summary>The result, also owning <paramref name="source"/> (the document the sanitized element was read from).</summary>
    internal SanitizedRecord Owning(IDisposable source) => _source is null ? new SanitizedRecord(this, source) : throw new InvalidOperationException("The result already owns its source.");

    /// <inheritdoc />
    public void Dispose()
    {
        _owner?.Dispose();
        _source?.Dispose();
    }
}

/// <summary>A sanitizer that changes nothing (for tests and tools that explicitly opt out).</summary>
public sealed class PassThroughSanitizer : IRecordSanitizer
{
    /// <inheritdoc />
    public SanitizedRecord Sanitize(string category, JsonElement record) => SanitizedRecord.Unchanged(record);

    /// <inheritdoc />
    public ReadOnlyMemory<byte> SanitizeUnparsed(ReadOnlyMemory<byte> payload) => payload;
}
