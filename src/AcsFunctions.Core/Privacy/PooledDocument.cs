using System.Buffers;
using System.Text.Json;

namespace AcsFunctions.Privacy;

/// <summary>A parsed rewritten record whose text lives in a pooled array: disposing it frees both.</summary>
internal sealed class PooledDocument(JsonDocument document, byte[] rented) : IDisposable
{
    private byte[]? _rented = rented;

    public void Dispose()
    {
        document.Dispose();
        if (Interlocked.Exchange(ref _rented, null) is { } bytes)
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }
}
