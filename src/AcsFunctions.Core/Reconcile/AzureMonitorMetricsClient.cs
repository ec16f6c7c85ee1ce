using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Logging;

namespace AcsFunctions.Reconcile;

/// <summary>
/// Reads ACS API-request metrics from the Azure Monitor metrics REST API
/// (<c>GET {resource}/providers/Microsoft.Insights/metrics</c>, one request per metric, split by operation and
/// status code) through an Azure.Core <see cref="HttpPipeline"/>: bearer-token authentication, retries (429/5xx,
/// honouring Retry-After) and logging come from the SDK. Follows <c>nextLink</c> when a response is paged.
/// </summary>
public sealed class AzureMonitorMetricsClient : IPlatformMetricsClient
{
    private readonly HttpPipeline _pipeline;
    private readonly PlatformMetricsClientOptions _options;
    private readonly ILogger<AzureMonitorMetricsClient> _logger;

    /// <summary>Creates the client (a singleton: the pipeline caches tokens and connections).</summary>
    public AzureMonitorMetricsClient(TokenCredential credential, PlatformMetricsClientOptions options, ILogger<AzureMonitorMetricsClient> logger)
    {
        _options = options;
        _logger = logger;
        _pipeline = HttpPipelineBuilder.Build(
            options,
            [],
            [new BearerTokenAuthenticationPolicy(credential, options.Scope)],
            new ResponseClassifier());
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PlatformMetricPoint>> GetAsync(PlatformMetricsQuery query, CancellationToken cancellationToken = default)
    {
        var points = new List<PlatformMetricPoint>();
        foreach (var metric in query.Metrics)
        {
            Uri? next = FirstPage(query, metric);
            var pages = 0;
            while (next is not null)
            {
                using var document = await SendAsync(next, query.ResourceId, cancellationToken);
                var series = Read(document.RootElement, metric, points);
                pages++;
                if (series >= _options.Top)
                {
                    ReconcileLog.SeriesLimitReached(_logger, metric.Name, _options.Top);
                }

                next = NextLink(document.RootElement);
            }

            ReconcileLog.MetricRead(_logger, metric.Name, pages);
        }

        return points;
    }

    private Uri FirstPage(PlatformMetricsQuery query, ApiRequestMetric metric)
    {
        var resource = query.ResourceId.Trim().TrimStart('/');
        var builder = new RequestUriBuilder();
        builder.Reset(new Uri(_options.Endpoint, "/" + resource + "/providers/Microsoft.Insights/metrics"));
        builder.AppendQuery("api-version", _options.ApiVersion);
        builder.AppendQuery("metricnames", metric.Name);
        builder.AppendQuery("metricnamespace", "Microsoft.Communication/CommunicationServices");
        builder.AppendQuery("timespan", $"{Iso(query.From)}/{Iso(query.To)}");
        builder.AppendQuery("interval", query.Grain >= TimeSpan.FromHours(1) ? "PT1H" : "PT1M");
        builder.AppendQuery("aggregation", "Count,Total");
        builder.AppendQuery("$filter", $"{metric.OperationDimension} eq '*' and StatusCode eq '*'");
        builder.AppendQuery("top", _options.Top.ToString(CultureInfo.InvariantCulture));
        builder.AppendQuery("resultType", "Data");
        builder.AppendQuery("AutoAdjustTimegrain", "false");
        builder.AppendQuery("ValidateDimensions", "false");
        return builder.ToUri();
    }

    private async Task<JsonDocument> SendAsync(Uri uri, string resourceId, CancellationToken cancellationToken)
    {
        using var message = _pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(uri);
        message.Request.Headers.Add(HttpHeader.Names.Accept, "application/json");
        await _pipeline.SendAsync(message, cancellationToken);
        var response = message.Response;
        if (response.Status is 401 or 403)
        {
            throw new PlatformMetricsAccessDeniedException(response.Status, resourceId, ErrorMessage(response));
        }

        if (response.IsError)
        {
            throw new RequestFailedException(response);
        }

        return await JsonDocument.ParseAsync(response.ContentStream ?? Stream.Null, default, cancellationToken);
    }

    /// <summary>Adds the points of one response page; returns the number of time series it held.</summary>
    private static int Read(JsonElement root, ApiRequestMetric metric, List<PlatformMetricPoint> points)
    {
        var series = 0;
        if (!root.TryGetProperty("value", out var metrics) || metrics.ValueKind != JsonValueKind.Array)
        {
            return 0;
        }

        foreach (var m in metrics.EnumerateArray())
        {
            if (!m.TryGetProperty("timeseries", out var timeseries) || timeseries.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var ts in timeseries.EnumerateArray())
            {
                series++;
                var operation = Dimension(ts, metric.OperationDimension) ?? "unknown";
                var status = Dimension(ts, "StatusCode") ?? "unknown";
                if (!ts.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                foreach (var point in data.EnumerateArray())
                {
                    var count = Number(point, "count") ?? Number(point, "total");
                    if (count is not { } c || c == 0 || !point.TryGetProperty("timeStamp", out var stamp) || !stamp.TryGetDateTimeOffset(out var window))
                    {
                        continue;
                    }

                    points.Add(new PlatformMetricPoint(metric.Name, operation, status, window.ToUniversalTime(), (long)Math.Round(c)));
                }
            }
        }

        return series;
    }

    private static string? Dimension(JsonElement series, string name)
    {
        if (!series.TryGetProperty("metadatavalues", out var values) || values.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var v in values.EnumerateArray())
        {
            if (v.TryGetProperty("name", out var n) && n.TryGetProperty("value", out var nv) &&
                string.Equals(nv.GetString(), name, StringComparison.OrdinalIgnoreCase) &&
                v.TryGetProperty("value", out var value))
            {
                return value.GetString();
            }
        }

        return null;
    }

    private static double? Number(JsonElement point, string name) =>
        point.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    private static Uri? NextLink(JsonElement root)
    {
        foreach (var name in (string[])["nextLink", "@odata.nextLink"])
        {
            if (root.TryGetProperty(name, out var link) && link.ValueKind == JsonValueKind.String &&
                Uri.TryCreate(link.GetString(), UriKind.Absolute, out var uri))
            {
                return uri;
            }
        }

        return null;
    }

    private static string? ErrorMessage(Response response)
    {
        try
        {
            using var doc = JsonDocument.Parse(response.Content);
            return doc.RootElement.TryGetProperty("error", out var error) && error.TryGetProperty("message", out var message)
                ? message.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
