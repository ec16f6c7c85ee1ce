using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Core.Pipeline;

namespace AcsFunctions.Bench.IngestProfile;

/// <summary>
/// Counts the table requests sent while a round's clock runs (one call per attempt): by kind — an entity-group
/// transaction by the logical table of its entities, any other request by method and logical table, a query marked as
/// such — with the request and response bytes. What storage receives per side, for comparing the ingest with raw.
/// </summary>
internal sealed partial class RequestCounter : HttpPipelinePolicy
{
    private readonly ConcurrentDictionary<string, Tally> _tallies = new(StringComparer.Ordinal);
    private volatile bool _on;

    /// <summary>Starts (true) or stops (false) counting.</summary>
    public void Timed(bool on)
    {
        if (on)
        {
            _tallies.Clear();
        }

        _on = on;
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        (string Name, long Bytes)? counted = _on ? await KindAsync(message) : null;
        await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        if (counted is { } kind)
        {
            Add(kind.Name, kind.Bytes, message.Response.ContentStream?.CanSeek == true ? message.Response.ContentStream.Length : 0);
        }
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    /// <summary>The counts, one line per kind, and the totals.</summary>
    public string Report()
    {
        var lines = new StringBuilder();
        long requests = 0, sent = 0, received = 0;
        foreach (var (name, tally) in _tallies.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            lines.Append(CultureInfo.InvariantCulture, $"  {name}: {tally.Requests:N0} requests, {tally.Sent / 1_048_576.0:N2} MiB sent, {tally.Received / 1_048_576.0:N2} MiB received\n");
            requests += tally.Requests;
            sent += tally.Sent;
            received += tally.Received;
        }

        lines.Append(CultureInfo.InvariantCulture, $"  all: {requests:N0} requests, {sent / 1_048_576.0:N2} MiB sent, {received / 1_048_576.0:N2} MiB received");
        return lines.ToString();
    }

    private static async Task<(string Name, long Bytes)> KindAsync(HttpMessage message)
    {
        var request = message.Request;
        var path = request.Uri.Path;
        var table = Logical(path[(path.LastIndexOf('/') + 1)..]);
        long bytes = 0;
        if (request.Content is { } content)
        {
            using var body = new MemoryStream();
            await content.WriteToAsync(body, message.CancellationToken);
            bytes = body.Length;
            if (path.EndsWith("$batch", StringComparison.Ordinal))
            {
                var text = Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length);
                var first = BatchTable().Match(text);
                var actions = BatchAction().Count(text);
                var verb = BatchVerb().Match(text);
                return ($"transaction {(first.Success ? Logical(first.Groups[1].Value) : "?")} ({(verb.Success ? verb.Groups[1].Value : "?")}, {Bucket(actions)} actions)", bytes);
            }
        }

        var query = request.Uri.Query.Contains("$filter", StringComparison.Ordinal) || path.EndsWith("()", StringComparison.Ordinal) ? " query" : string.Empty;
        return ($"{request.Method} {table}{query}", bytes);
    }

    private static string Bucket(int actions) => actions switch
    {
        100 => "100",
        >= 50 => "50-99",
        >= 10 => "10-49",
        _ => "1-9",
    };

    /// <summary>A physical table name (or a path segment with keys) without the store's prefix (prof + 8 hex digits).</summary>
    private static string Logical(string segment)
    {
        var name = segment.Split('(')[0];
        return name.StartsWith("prof", StringComparison.Ordinal) && name.Length > 12 ? name[12..] : name;
    }

    private void Add(string kind, long sent, long received)
    {
        var tally = _tallies.GetOrAdd(kind, static _ => new Tally());
        Interlocked.Increment(ref tally.Requests);
        Interlocked.Add(ref tally.Sent, sent);
        Interlocked.Add(ref tally.Received, received);
    }

    [GeneratedRegex(@"(?:PUT|PATCH|MERGE|POST|DELETE) https?://[^/ ]+/[^/ ]+/([A-Za-z0-9]+)[( ?]")]
    private static partial Regex BatchTable();

    [GeneratedRegex(@"\r?\n(?:PUT|PATCH|MERGE|POST|DELETE) ")]
    private static partial Regex BatchAction();

    [GeneratedRegex(@"\r?\n(PUT|PATCH|MERGE|POST|DELETE) ")]
    private static partial Regex BatchVerb();

    private sealed class Tally
    {
        public long Requests;
        public long Sent;
        public long Received;
    }
}
