using AcsFunctions.Queries;
using AcsFunctions.Storage;
using Microsoft.Extensions.Options;

namespace AcsFunctions.Schemas.Email;

/// <summary>
/// <c>email</c>: email delivery and engagement counts per window and resource (view <c>detail</c>, the default), or
/// delivery reports per (window, delivery status) summed over resources, sender domains and SMTP codes (view
/// <c>delivery-status</c>: one point per interval and status for a chart).
/// </summary>
public sealed class EmailQuery : IQueryKind
{
    /// <summary>Delivery and engagement rows per window, resource and key (the default view).</summary>
    public const string DetailView = "detail";

    /// <summary>Delivery reports per window and delivery status.</summary>
    public const string DeliveryStatusView = "delivery-status";

    private readonly AcsStorage _storage;

    private readonly TierReads _coarse;

    /// <summary>Creates the query; <paramref name="options"/> says whether hourly and daily rows are read (default yes).</summary>
    public EmailQuery(AcsStorage storage, IOptions<QueryOptions>? options = null)
    {
        _storage = storage;
        _coarse = QueryOptions.ReadsOf(options);
    }

    /// <inheritdoc />
    public string Name => QueryKinds.Email;

    /// <inheritdoc/>
    public IReadOnlyList<string> AggregateTables => [TableNames.AggEmailDelivery, TableNames.AggEmailEngagement];

    /// <inheritdoc />
    public QueryFilters Filters => QueryFilters.Interval | QueryFilters.Resource;

    /// <summary>The views (the first is the default), also without an instance: <see cref="QueryKinds.Views"/>.</summary>
    public static IReadOnlyList<string> AllViews { get; } = [DetailView, DeliveryStatusView];

    /// <inheritdoc />
    public IReadOnlyList<string> Views => AllViews;

    /// <inheritdoc />
    public Type? RowType(string? view) => view == DeliveryStatusView ? typeof(EmailDeliveryStatusRow) : typeof(EmailRow);

    /// <inheritdoc />
    public Task<IReadOnlyList<object>> RunAsync(QueryParameters parameters, CancellationToken cancellationToken = default) =>
        RunAsync(parameters, new QueryContext(), cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<object>> RunAsync(QueryParameters parameters, QueryContext context, CancellationToken cancellationToken)
    {
        var delivery = await KeyedCountRows.ReadAsync(_storage, EmailModule.Delivery, parameters, _coarse, context, cancellationToken);
        if (parameters.View == DeliveryStatusView)
        {
            var statuses = AggregateQuery.Merge(
                delivery,
                r => (r.WindowStart, Status: NullIfEmpty(r.Keys[1]) ?? "unknown"),
                r => new EmailDeliveryStatusCount(r.WindowStart, NullIfEmpty(r.Keys[1]) ?? "unknown"),
                (acc, r) => acc.Count += r.Count);
            return
            [
                .. statuses.OrderBy(s => s.WindowStart).ThenBy(s => s.Status, StringComparer.Ordinal)
                    .Select(s => new EmailDeliveryStatusRow { WindowStart = s.WindowStart, DeliveryStatus = s.Status, Count = s.Count }),
            ];
        }

        var engagement = await KeyedCountRows.ReadAsync(_storage, EmailModule.Engagement, parameters, _coarse, context, cancellationToken);
        var rows = delivery.Select(r => new EmailRow
        {
            WindowStart = r.WindowStart,
            ResourceId = r.Resource.Id,
            ResourceName = r.Resource.Name,
            Type = "delivery",
            SenderDomain = NullIfEmpty(r.Keys[0]),
            DeliveryStatus = NullIfEmpty(r.Keys[1]),
            IsHardBounce = bool.TryParse(r.Keys[2], out var hard) ? hard : null,
            SmtpStatusCode = NullIfEmpty(r.Keys[3]),
            Count = r.Count,
        }).Concat(engagement.Select(r => new EmailRow
        {
            WindowStart = r.WindowStart,
            ResourceId = r.Resource.Id,
            ResourceName = r.Resource.Name,
            Type = "engagement",
            EngagementType = NullIfEmpty(r.Keys[0]),
            Count = r.Count,
        }));
        return [.. rows.OrderBy(r => r.WindowStart).ThenBy(r => r.ResourceId, StringComparer.Ordinal).ThenBy(r => r.Type, StringComparer.Ordinal)];
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private sealed class EmailDeliveryStatusCount(DateTimeOffset windowStart, string status)
    {
        public DateTimeOffset WindowStart { get; } = windowStart;

        public string Status { get; } = status;

        public long Count { get; set; }
    }
}
