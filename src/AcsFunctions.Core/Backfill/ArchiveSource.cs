using System.Globalization;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace AcsFunctions.Backfill;

/// <summary>
/// A diagnostic-settings storage archive: lists the <c>insights-logs-&lt;category&gt;</c> containers and their
/// hourly <c>PT1H.json</c> blobs, and reads byte ranges of them. One <see cref="BlobServiceClient"/> per archive.
/// </summary>
public sealed class ArchiveSource
{
    private static readonly object Marked = new();

    /// <summary>The archive's error responses, and the exceptions its requests and blob reads raised.</summary>
    private readonly ConditionalWeakTable<object, object> _failures;

    private ArchiveSource(BlobServiceClient client, ConditionalWeakTable<object, object> failures)
    {
        Client = client;
        _failures = failures;
    }

    /// <summary>The blob service of the archive account.</summary>
    public BlobServiceClient Client { get; }

    /// <summary>The archive's account name (part of the checkpoint key).</summary>
    public string AccountName => Client.AccountName;

    /// <summary>
    /// Connects to an archive: a connection string (Azurite, account key), a blob service URL with a SAS token,
    /// or a plain blob service URL (identity-based: <paramref name="credential"/>, else <see cref="DefaultAzureCredential"/>).
    /// </summary>
    public static ArchiveSource Connect(string source, TokenCredential? credential = null, BlobClientOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        options ??= new BlobClientOptions();
        var failures = new ConditionalWeakTable<object, object>();
        options.AddPolicy(new FailureMarker(failures), HttpPipelinePosition.PerRetry);
        if (Uri.TryCreate(source.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
        {
            return new ArchiveSource(
                uri.Query.Contains("sig=", StringComparison.OrdinalIgnoreCase)
                    ? new BlobServiceClient(uri, options)
                    : new BlobServiceClient(uri, credential ?? new DefaultAzureCredential(), options),
                failures);
        }

        return new ArchiveSource(new BlobServiceClient(source, options), failures);
    }

    /// <summary>
    /// Whether <paramref name="exception"/> came from the archive (and not from the tables or blobs records are written
    /// to): its error response, a failed or timed-out request to it or read of one of its blobs (an
    /// <see cref="AggregateException"/> of retries: every attempt). A backfill talks to two accounts, and a refusal, an
    /// error answer or an outage sends the operator to one of them.
    /// </summary>
    public bool Answered(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            _ when _failures.TryGetValue(exception, out _) => true,
            RequestFailedException rfe => rfe.GetRawResponse() is { } response && _failures.TryGetValue(response, out _),
            AggregateException ae => ae.InnerExceptions.Count > 0 && ae.InnerExceptions.All(Answered),
            _ => false,
        };
    }

    /// <summary>
    /// The hourly blobs whose hour starts in [hour of <paramref name="from"/>, <paramref name="to"/>), container by
    /// container (sorted), resource by resource and by name, for the given categories and resources
    /// (case-insensitive; empty = all). Listing is by prefix: the resources of a container are discovered with a
    /// hierarchical walk, and for ranges up to <see cref="MaxDaysListedByDay"/> days only
    /// the days in range are listed, so a day of backfill from a year-long archive reads a day of listings.
    /// </summary>
    public async IAsyncEnumerable<ArchiveBlob> ListAsync(
        IReadOnlyCollection<string> categories,
        IReadOnlyCollection<string> resources,
        DateTimeOffset from,
        DateTimeOffset to,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var wanted = categories.Select(c => ArchiveContainers.For(c)).ToHashSet(StringComparer.Ordinal);
        var firstHour = new DateTimeOffset(from.UtcDateTime.Date.AddHours(from.UtcDateTime.Hour), TimeSpan.Zero);
        var containers = new List<string>();
        await foreach (var container in Client.GetBlobContainersAsync(prefix: ArchiveContainers.Prefix, cancellationToken: cancellationToken))
        {
            if (wanted.Count == 0 || wanted.Contains(container.Name))
            {
                containers.Add(container.Name);
            }
        }

        containers.Sort(StringComparer.Ordinal);
        foreach (var name in containers)
        {
            var container = Client.GetBlobContainerClient(name);
            var resourcePrefixes = resources.Count > 0
                ? resources.Select(ArchiveBlobPath.ResourcePrefixOf).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList()
                : await DiscoverResourcesAsync(container, cancellationToken);
            foreach (var prefix in resourcePrefixes.SelectMany(r => ListingPrefixes(r, firstHour, to)))
            {
                await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken))
                {
                    if (!ArchiveBlobPath.TryParse(item.Name, out var path) || path!.Hour < firstHour || path.Hour >= to)
                    {
                        continue;
                    }

                    yield return new ArchiveBlob(
                        name,
                        item.Name,
                        path,
                        item.Properties.ETag?.ToString() ?? string.Empty,
                        item.Properties.ContentLength ?? 0,
                        item.Properties.BlobType == BlobType.Append);
                }
            }
        }
    }

    /// <summary>Ranges of at most this many days are listed day by day; longer ones resource by resource.</summary>
    public const int MaxDaysListedByDay = 62;

    private static IEnumerable<string> ListingPrefixes(string resourcePrefix, DateTimeOffset firstHour, DateTimeOffset to)
    {
        if (to <= firstHour)
        {
            yield break;
        }

        var firstDay = firstHour.UtcDateTime.Date;
        var lastDay = to.UtcDateTime.AddTicks(-1).Date;
        if ((lastDay - firstDay).TotalDays >= MaxDaysListedByDay)
        {
            yield return resourcePrefix;
            yield break;
        }

        for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"{resourcePrefix}y={day.Year:D4}/m={day.Month:D2}/d={day.Day:D2}/");
        }
    }

    /// <summary>
    /// The listing prefixes (<c>resourceId=/…/NAME/</c>) of every resource archived in a container: a hierarchical
    /// walk (delimiter <c>/</c>) down the resource-id segments, stopping at the first <c>y=</c> level.
    /// </summary>
    private static async Task<List<string>> DiscoverResourcesAsync(BlobContainerClient container, CancellationToken cancellationToken)
    {
        var prefixes = new List<string>();
        await WalkAsync(container, "resourceId=/", 0, prefixes, cancellationToken);
        prefixes.Sort(StringComparer.Ordinal);
        return prefixes;
    }

    private static async Task WalkAsync(BlobContainerClient container, string prefix, int depth, List<string> resources, CancellationToken cancellationToken)
    {
        if (depth > 16)
        {
            return;
        }

        var children = new List<string>();
        await foreach (var item in container.GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, "/", prefix, cancellationToken))
        {
            if (!item.IsPrefix)
            {
                continue;
            }

            if (item.Prefix.AsSpan(prefix.Length).StartsWith("y=", StringComparison.OrdinalIgnoreCase))
            {
                resources.Add(prefix);
                return;
            }

            children.Add(item.Prefix);
        }

        foreach (var child in children)
        {
            await WalkAsync(container, child, depth + 1, resources, cancellationToken);
        }
    }

    /// <summary>
    /// Opens the bytes [<paramref name="offset"/>, listed length) of a blob for streaming. Bytes appended after the
    /// listing are left to the next run; a block blob replaced since the listing fails with 412 (re-run).
    /// </summary>
    public async Task<Stream> OpenAsync(ArchiveBlob blob, long offset, CancellationToken cancellationToken = default)
    {
        if (offset >= blob.Length)
        {
            return Stream.Null;
        }

        var client = Client.GetBlobContainerClient(blob.Container).GetBlobClient(blob.Name);
        var options = new BlobDownloadOptions
        {
            Range = new HttpRange(offset, blob.Length - offset),
            Conditions = blob.IsAppendBlob ? null : new BlobRequestConditions { IfMatch = new ETag(blob.ETag) },
        };
        var response = await client.DownloadStreamingAsync(options, cancellationToken);
        return new MarkedStream(response.Value.Content, _failures);
    }

    /// <summary>Reads a small byte range whole (used to verify a checkpoint's tail).</summary>
    public async Task<byte[]> ReadRangeAsync(ArchiveBlob blob, long offset, int length, CancellationToken cancellationToken = default)
    {
        if (length == 0)
        {
            return [];
        }

        var client = Client.GetBlobContainerClient(blob.Container).GetBlobClient(blob.Name);
        var response = await client.DownloadContentAsync(new BlobDownloadOptions { Range = new HttpRange(offset, length) }, cancellationToken);
        return response.Value.Content.ToArray();
    }

    private static bool Mark(ConditionalWeakTable<object, object> failures, Exception exception)
    {
        failures.AddOrUpdate(exception, Marked);
        return false;
    }

    /// <summary>
    /// Remembers, per attempt, the archive's error responses (status 400 and up), which its exceptions carry, and the
    /// exceptions of its requests (refused, reset, timed out), which the SDK's retries collect, for <see cref="Answered"/>.
    /// </summary>
    private sealed class FailureMarker(ConditionalWeakTable<object, object> failures) : HttpPipelinePolicy
    {
        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            try
            {
                await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
            }
            catch (Exception ex) when (Mark(failures, ex))
            {
                throw;
            }

            Remember(message);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            try
            {
                ProcessNext(message, pipeline);
            }
            catch (Exception ex) when (Mark(failures, ex))
            {
                throw;
            }

            Remember(message);
        }

        private void Remember(HttpMessage message)
        {
            if (message.HasResponse && message.Response.Status >= 400)
            {
                failures.AddOrUpdate(message.Response, Marked);
            }
        }
    }

    /// <summary>An archive blob's content: a read that fails (the SDK's retries of the download spent) is the archive's.</summary>
    private sealed class MarkedStream(Stream inner, ConditionalWeakTable<object, object> failures) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            try
            {
                return inner.Read(buffer, offset, count);
            }
            catch (Exception ex) when (Mark(failures, ex))
            {
                throw;
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (Mark(failures, ex))
            {
                throw;
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
