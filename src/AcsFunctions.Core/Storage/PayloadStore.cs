using Azure.Storage.Blobs;
using AcsFunctions.Diagnostics;
using Microsoft.Extensions.Logging;

namespace AcsFunctions.Storage;

/// <summary>
/// Blob storage for payloads too large for a table entity (e.g. a 10 MB junk body that is dead-lettered whole).
/// Blob names are deterministic (derived from the entity keys), so re-delivery overwrites, never duplicates.
/// Blob storage that stays unavailable through the client's retries (<see cref="TransientErrors.IsTransient"/>) fails
/// the call with <see cref="StorageUnavailableException"/>, as the tables do (<see cref="TableWriter"/>).
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
    /// <exception cref="StorageUnavailableException">Blob storage stayed unavailable through the client's retries.</exception>
    public virtual async Task PutAsync(string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        try
        {
            var container = await ContainerAsync(cancellationToken);
            await container.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(data), overwrite: true, cancellationToken);
        }
        catch (Exception ex) when (TransientErrors.IsTransient(ex) && !cancellationToken.IsCancellationRequested)
        {
            throw Unavailable(ex);
        }

        Log.PayloadOffloaded(_logger, data.Length, name);
    }

    /// <summary>Reads blob <paramref name="name"/>.</summary>
    /// <exception cref="StorageUnavailableException">Blob storage stayed unavailable through the client's retries.</exception>
    public virtual async Task<byte[]> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        try
        {
            var container = await ContainerAsync(cancellationToken);
            var response = await container.GetBlobClient(name).DownloadContentAsync(cancellationToken);
            return response.Value.Content.ToArray();
        }
        catch (Exception ex) when (TransientErrors.IsTransient(ex) && !cancellationToken.IsCancellationRequested)
        {
            throw Unavailable(ex);
        }
    }

    private StorageUnavailableException Unavailable(Exception exception) =>
        new($"Blob storage is unavailable (payload container '{_storage.Options.PayloadContainer}'): {TransientErrors.Describe(exception)}", exception);

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
