using System.Text;
using AcsFunctions.Storage;
using Azure.Data.Tables;

namespace AcsFunctions.Tests.Infrastructure;

/// <summary>
/// Everything a test wrote, as text: every entity of every table with the test's prefix (keys, every property,
/// binary properties as Latin-1, the payload decompressed or fetched from its blob) and every blob of its
/// container — for asserting what must never be stored.
/// </summary>
public static class StorageDump
{
    public static async Task<List<(string Where, string Text)>> AllAsync(TestStorage storage)
    {
        var items = new List<(string, string)>();
        var payloads = new PayloadStore(storage.Storage, Microsoft.Extensions.Logging.Abstractions.NullLogger<PayloadStore>.Instance);
        foreach (var table in await storage.TablesAsync())
        {
            foreach (var entity in await storage.AllAsync(table))
            {
                var where = $"{table}|{entity.PartitionKey}|{entity.RowKey}";
                var text = new StringBuilder().Append(entity.PartitionKey).Append('\n').Append(entity.RowKey).Append('\n');
                foreach (var (name, value) in entity)
                {
                    text.Append(name).Append('=').Append(value switch
                    {
                        byte[] bytes => Encoding.Latin1.GetString(bytes),
                        BinaryData data => Encoding.Latin1.GetString(data.ToArray()),
                        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
                    }).Append('\n');
                }

                if (await PayloadColumns.ReadAsync(entity, payloads) is { } payload)
                {
                    text.Append("payload=").Append(Encoding.UTF8.GetString(payload));
                }

                items.Add((where, text.ToString()));
            }
        }

        var service = storage.Storage.BlobService!;
        var container = service.GetBlobContainerClient(storage.Storage.Options.PayloadContainer);
        if (await container.ExistsAsync())
        {
            await foreach (var blob in container.GetBlobsAsync())
            {
                var content = await container.GetBlobClient(blob.Name).DownloadContentAsync();
                items.Add(($"blob {blob.Name}", blob.Name + "\n" + Encoding.Latin1.GetString(content.Value.Content.ToArray())));
            }
        }

        return items;
    }

    /// <summary>Counts the rows of a table whose payload is stored in a given way (to prove a test covers it).</summary>
    public static async Task<int> CountAsync(TestStorage storage, string table, Func<TableEntity, bool> predicate) =>
        (await storage.AllAsync(table)).Count(predicate);
}
