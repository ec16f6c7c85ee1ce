using System.Text;
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
    private readonly string _connectionString;

    private TestArchive(string connectionString, BlobServiceClient client, string resourceId, SortedDictionary<string, List<string>> blobs)
    {
        _connectionString = connectionString;
        Client = client;
        ResourceId = resourceId;
        Blobs = blobs;
    }

    public BlobServiceClient Client { get; }

    public string ResourceId { get; }

    /// <summary>Lines per blob (key: container/name), in file order.</summary>
    public SortedDictionary<string, List<string>> Blobs { get; }

    public ArchiveSource Source => ArchiveSource.Connect(_connectionString);

    public int TotalLines => Blobs.Values.Sum(l => l.Count);

    public static DateTimeOffset Start { get; } = new(2026, 11, 20, 10, 30, 0, TimeSpan.Zero);

    /// <summary>Generates records (about three hours from <see cref="Start"/>) and uploads them as hourly blobs.</summary>
    public static async Task<TestArchive> CreateAsync(string connectionString, int apiRequests = 400, int calls = 6, bool appendBlobs = false)
    {
        var name = "ACS-BF-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var records = SyntheticLine.From(new GeneratorOptions
        {
            Calls = calls, ApiRequests = apiRequests, Emails = apiRequests / 20, Minutes = 150, Seed = 21, Start = Start, ResourceName = name,
        });
        var blobs = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            var hour = new DateTimeOffset(record.Time.Year, record.Time.Month, record.Time.Day, record.Time.Hour, 0, 0, TimeSpan.Zero);
            var key = ArchiveContainers.For(record.Category) + "/" + ArchiveBlobPath.Format(record.ResourceId, hour);
            if (!blobs.TryGetValue(key, out var lines))
            {
                blobs[key] = lines = [];
            }

            lines.Add(record.Json);
        }

        var resourceId = records[0].ResourceId;
        var client = new BlobServiceClient(connectionString);
        var archive = new TestArchive(connectionString, client, resourceId, blobs);
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

    /// <summary>
    /// Adds to the first blob a junk line of about 2 MB of random text, which is dead-lettered whole with its payload in a
    /// destination blob (too big for a table row even compressed). Returns the blob's key.
    /// </summary>
    public async Task<string> AddIncompressibleLineAsync()
    {
        var key = Blobs.Keys.First();
        var junk = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(1_500_000));
        Blobs[key].Add(junk);
        await UploadAsync(key, Blobs[key]);
        return key;
    }

    /// <summary>Every line of every blob as one NDJSON file (for the comparison with file ingest).</summary>
    public string WriteNdjson(string path)
    {
        File.WriteAllLines(path, Blobs.Values.SelectMany(l => l));
        return path;
    }

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
