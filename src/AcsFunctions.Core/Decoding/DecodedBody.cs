using System.Text.Json;

namespace AcsFunctions.Decoding;

/// <summary>The units decoded from one body. Owns the parsed documents: dispose after use.</summary>
public sealed class DecodedBody : IDisposable
{
    private readonly List<JsonDocument> _documents = [];

    /// <summary>The units in body order.</summary>
    public List<DecodedItem> Items { get; } = [];

    internal void Own(JsonDocument document) => _documents.Add(document);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var document in _documents)
        {
            document.Dispose();
        }

        _documents.Clear();
    }
}
