using System.Text;
using System.Text.Json;
using AcsFunctions.Backfill;
using AcsFunctions.Generation;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;

namespace AcsFunctions.Tests.Backfill;

/// <summary>
/// A diagnostic-settings archive in Azurite built from a synthetic stream: every record goes, as one NDJSON line,
/// into <c>insights-logs-&lt;category&gt;/resourceId=…/y=/m=/d=/h=/m=00/PT1H.json</c> of its event hour. Each archive
/// uses its own resource name, so tests sharing the Azurite containers stay apart (backfill lists by resource).
/// </summary>
internal sealed class TestArchive
{
    private TestArchive(BlobServiceClient client, string resourceId, SortedDictionary<string, List<string>> blobs)
    {
        Client = client;
        ResourceId = resourceId;
        Blobs = blobs;
    }

    public BlobServiceClient Client { get; }

    public string ResourceId { get; }

    /// <summary>Lines per blob (key: container/name), in file order.</summary>
    public SortedDictionary<string, List<string>> Blobs { get; }

    public ArchiveSource Source => new(Client);

    public int TotalLines => Blobs.Values.Sum(l => l.Count);

    public static DateTimeOffset Start { get; } = new(2026, 11, 20, 10, 30, 0, TimeSpan.Zero);

    /// <summary>Generates records (about three hours from <see cref="Start"/>) and uploads them as hourly blobs.</summary>
    public static async Task<TestArchive> CreateAsync(string connectionString, int apiRequests = 400, int calls = 6, bool appendBlobs = false)
    {
        var name = "ACS-BF-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var stream = SyntheticStream.Create(new GeneratorOptions
        {
            Calls = calls, ApiRequests = apiRequests, Emails = apiRequests / 20, Minutes = 150, Seed = 21, Start = Start, ResourceName = name,
        });
        string? resourceId = null;
        var blobs = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var body in stream.Bodies())
        {
            using var doc = JsonDocument.Parse(body.Data);
            foreach (var record in doc.RootElement.GetProperty("records").EnumerateArray())
            {
                var id = Property(record, "resourceId");
                resourceId ??= id;
                var time = DateTimeOffset.Parse(Property(record, "time"), System.Globalization.CultureInfo.InvariantCulture).ToUniversalTime();
                var hour = new DateTimeOffset(time.Year, time.Month, time.Day, time.Hour, 0, 0, TimeSpan.Zero);
                var key = ArchiveContainers.For(Property(record, "category")) + "/" + ArchiveBlobPath.Format(id, hour);
                if (!blobs.TryGetValue(key, out var lines))
                {
                    blobs[key] = lines = [];
                }

                lines.Add(record.GetRawText());
            }
        }

        var client = new BlobServiceClient(connectionString);
        var archive = new TestArchive(client, resourceId!, blobs);
        foreach (var (key, lines) in blobs)
        {
            await archive.UploadAsync(key, lines, appendBlobs);
        }

        return archive;
    }

    /// <summary>Replaces (or appends to) a blob's content.</summary>
    public async Task UploadAsync(string key, IReadOnlyList<string> lines, bool appendBlob = false)
    {
        var (container, name) = Split(key);
        var containerClient = Client.GetBlobContainerClient(container);
        await containerClient.CreateIfNotExistsAsync();
        var bytes = Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n")));
        if (appendBlob)
        {
            var append = containerClient.GetAppendBlobClient(name);
            await append.CreateIfNotExistsAsync();
            await AppendAsync(append, bytes);
        }
        else
        {
            await containerClient.GetBlobClient(name).UploadAsync(new BinaryData(bytes), overwrite: true);
        }
    }

    /// <summary>Appends lines to an append blob (as diagnostic settings do during the hour).</summary>
    public async Task AppendLinesAsync(string key, IReadOnlyList<string> lines)
    {
        var (container, name) = Split(key);
        await AppendAsync(Client.GetBlobContainerClient(container).GetAppendBlobClient(name), Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n"))));
        Blobs[key].AddRange(lines);
    }

    /// <summary>Every line of every blob as one NDJSON file (for the comparison with file ingest).</summary>
    public string WriteNdjson(string path)
    {
        File.WriteAllLines(path, Blobs.Values.SelectMany(l => l));
        return path;
    }

    /// <summary>A top-level string property, matched case-insensitively (the generator varies key casing).</summary>
    private static string Property(JsonElement record, string name) =>
        record.EnumerateObject().First(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Value.GetString()!;

    private static async Task AppendAsync(AppendBlobClient append, byte[] bytes)
    {
        const int block = 1 << 20;
        for (var i = 0; i < bytes.Length; i += block)
        {
            using var ms = new MemoryStream(bytes, i, Math.Min(block, bytes.Length - i));
            await append.AppendBlockAsync(ms);
        }
    }

    private static (string Container, string Name) Split(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return (key[..slash], key[(slash + 1)..]);
    }
}
