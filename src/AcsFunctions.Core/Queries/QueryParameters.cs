using AcsFunctions.Dispatch;
using AcsFunctions.Storage;

namespace AcsFunctions.Queries;

/// <summary>
/// A validated query: kind, time range <c>[From, To)</c> (rows whose window starts in it), interval and
/// filters. Built by <see cref="Parse"/> from the same named values the CLI options and the HTTP query string
/// carry: <c>from</c>, <c>to</c>, <c>interval</c>, <c>resource</c>, <c>category</c>, <c>operation</c>, <c>view</c>.
/// </summary>
public sealed record QueryParameters
{
    /// <summary>The query kind (see <see cref="QueryKinds"/>).</summary>
    public required string Kind { get; init; }

    /// <summary>Inclusive start (UTC).</summary>
    public required DateTimeOffset From { get; init; }

    /// <summary>Exclusive end (UTC).</summary>
    public required DateTimeOffset To { get; init; }

    /// <summary>Row interval (default <c>PT1M</c>).</summary>
    public QueryInterval Interval { get; init; } = QueryInterval.OneMinute;

    /// <summary>ACS resource name (upper case, as stored), or null for every resource.</summary>
    public string? Resource { get; init; }

    /// <summary>Canonical category, or null.</summary>
    public string? Category { get; init; }

    /// <summary>Operation name (exact), or null.</summary>
    public string? Operation { get; init; }

    /// <summary>The view (see <see cref="IQueryKind.Views"/>): as given, lower case, else the kind's default; null for a kind without views.</summary>
    public string? View { get; init; }

    /// <summary>The first minute window in range: the first whose start is at or after <see cref="From"/>.</summary>
    public DateTimeOffset FirstMinute => CeilingMinute(From);

    /// <summary>The first minute window after the range.</summary>
    public DateTimeOffset EndMinute => CeilingMinute(To);

    /// <summary>The first window key in range (<c>yyyyMMddHHmm</c>).</summary>
    public string FromWindowKey => Windows.Key(FirstMinute);

    /// <summary>The first window key after the range.</summary>
    public string ToWindowKey => Windows.Key(EndMinute);

    /// <summary>Every parameter name a query takes (a kind accepts the ones that apply to it); any other name is a bad parameter.</summary>
    public static IReadOnlyList<string> Names { get; } = ["from", "to", "interval", "resource", "category", "operation", "view"];

    /// <summary>Validates named values for a kind that accepts <paramref name="accepted"/> and offers <paramref name="views"/> (the first is the default).</summary>
    /// <exception cref="QueryParameterException">A value is missing, malformed, out of range or not accepted by the kind.</exception>
    public static QueryParameters Parse(string kind, IReadOnlyDictionary<string, string?> values, QueryFilters accepted, DateTimeOffset now, TimeSpan maxRange, IReadOnlyList<string>? views = null)
    {
        views ??= [];
        var named = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in values)
        {
            if (!Names.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                throw new QueryParameterException(name, $"is not a query parameter; use {string.Join(", ", Names)}.");
            }

            if (!string.IsNullOrWhiteSpace(value))
            {
                named[name] = value.Trim();
            }
        }

        var from = Time(named, "from", now);
        var to = Time(named, "to", now);
        if (to <= from)
        {
            throw new QueryParameterException("to", $"must be after from ({from:O}); got {to:O}.");
        }

        if (to - from > maxRange)
        {
            throw new QueryParameterException("to", $"the range {to - from} is longer than the maximum {maxRange} (AcsFunctions:Query:MaxRange); query a shorter range.");
        }

        var interval = QueryInterval.OneMinute;
        if (Optional(named, "interval", kind, accepted, QueryFilters.Interval) is { } intervalText && !QueryInterval.TryParse(intervalText, out interval))
        {
            throw new QueryParameterException("interval", $"'{intervalText}' is not one of {string.Join(", ", QueryInterval.All.Select(i => i.Name))}.");
        }

        var category = Optional(named, "category", kind, accepted, QueryFilters.Category);
        return new QueryParameters
        {
            Kind = kind,
            From = from,
            To = to,
            Interval = interval,
            Resource = Optional(named, "resource", kind, accepted, QueryFilters.Resource)?.ToUpperInvariant(),
            Category = category is null ? null : Categories.Canonicalize(category),
            Operation = Optional(named, "operation", kind, accepted, QueryFilters.Operation),
            View = ParseView(named, kind, views),
        };
    }

    private static string? ParseView(Dictionary<string, string> named, string kind, IReadOnlyList<string> views)
    {
        if (!named.TryGetValue("view", out var text))
        {
            return views.Count > 0 ? views[0] : null;
        }

        if (views.Count == 0)
        {
            throw new QueryParameterException("view", $"does not apply to {kind} queries (they have one shape).");
        }

        return views.FirstOrDefault(v => string.Equals(v, text, StringComparison.OrdinalIgnoreCase))
            ?? throw new QueryParameterException("view", $"'{text}' is not a view of {kind} queries; use {string.Join(" or ", views)} (default {views[0]}).");
    }

    private static DateTimeOffset Time(Dictionary<string, string> named, string name, DateTimeOffset now)
    {
        if (!named.TryGetValue(name, out var text))
        {
            throw new QueryParameterException(name, "is required (an ISO-8601 time such as 2021-07-05T06:00:00Z, a date, now, or now-1h).");
        }

        if (!QueryTime.TryParse(text, now, out var time))
        {
            throw new QueryParameterException(name, $"'{text}' is not a time; use ISO-8601 (2021-07-05T06:00:00Z), a date (2021-07-05), now, or now-<duration> (now-1h, now-PT30M).");
        }

        if (!EventTimeRange.ContainsQueryBound(time))
        {
            throw new QueryParameterException(name, $"{time:O} is outside the accepted event times {EventTimeRange.Description}.");
        }

        return time.ToUniversalTime();
    }

    private static string? Optional(Dictionary<string, string> named, string name, string kind, QueryFilters accepted, QueryFilters flag)
    {
        if (!named.TryGetValue(name, out var value))
        {
            return null;
        }

        return accepted.HasFlag(flag)
            ? value
            : throw new QueryParameterException(name, $"does not apply to {kind} queries.");
    }

    private static DateTimeOffset CeilingMinute(DateTimeOffset time)
    {
        var floor = Windows.MinuteOf(time);
        return floor == time ? floor : floor.AddMinutes(1);
    }
}
