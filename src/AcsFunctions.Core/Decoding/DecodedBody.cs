using System.Text.Json;

namespace AcsFunctions.Decoding;

/// <summary>The units decoded from one body. Owns the parsed documents: dispose after use.</summary>
public sealed class DecodedBody : IDisposable
{
    private readonly List<JsonDocument> _documents = [];

    /// <summary>The units in body order.</summary>
    public List<DecodedItem> Items { get; } = [];

    /// <summary>Bodies this one held: 1, or the non-blank lines when it was decoded as NDJSON (each line a body of its own).</summary>
    public int Bodies { get; internal set; } = 1;

    internal void Own(JsonDocument document) => _documents.Add(document);

    /// <summary>Empties the result for the next body: its documents disposed, no items, <paramref name="bodies"/> bodies.</summary>
    internal void Reset(int bodies)
    {
        Dispose();
        Items.Clear();
        Bodies = bodies;
    }

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
