using Azure.Storage.Blobs;
using AcsFunctions.Diagnostics;
using Microsoft.Extensions.Logging;

namespace AcsFunctions.Storage;

/// <summary>
/// Blob storage for payloads too large for a table entity (e.g. a 10 MB junk body that is dead-lettered whole).
/// Blob names are deterministic (derived from the entity keys), so re-delivery overwrites, never duplicates.
/// </summary>
public class PayloadStore
{
    private readonly AcsStorage _storage;
    private readonly ILogger<PayloadStore> _logger;
    private Task? _created;

    /// <summary>Creates the store.</summary>
    public PayloadStore(AcsStorage storage, ILogger<PayloadStore> logger)
    {
        _storage = storage;
        _logger = logger;
    }

    /// <summary>Stores <paramref name="data"/> as blob <paramref name="name"/> (overwriting).</summary>
    public virtual async Task PutAsync(string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var container = await ContainerAsync(cancellationToken);
        await container.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(data), overwrite: true, cancellationToken);
        Log.PayloadOffloaded(_logger, data.Length, name);
    }

    /// <summary>Reads blob <paramref name="name"/>.</summary>
    public virtual async Task<byte[]> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        var container = await ContainerAsync(cancellationToken);
        var response = await container.GetBlobClient(name).DownloadContentAsync(cancellationToken);
        return response.Value.Content.ToArray();
    }

    private async Task<BlobContainerClient> ContainerAsync(CancellationToken cancellationToken)
    {
        var service = _storage.BlobService ?? throw new InvalidOperationException(
            "A payload is too large for a table entity and no blob endpoint is configured: set AcsFunctions:Storage:ConnectionString or AcsFunctions:Storage:BlobServiceUri.");
        var container = service.GetBlobContainerClient(_storage.Options.PayloadContainer);
        var created = _created ??= container.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None);
        try
        {
            await created.WaitAsync(cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            _created = null;
            throw;
        }

        return container;
    }
}
