using AcsFunctions.Drift;
using AcsFunctions.Health;
using AcsFunctions.Schemas.Email;

namespace AcsFunctions.Queries;

/// <summary>The query kinds of <c>acs-diag query</c> and <c>GET /api/query/{kind}</c> served by the roll-up aggregates.</summary>
public static class QueryKinds
{
    /// <summary>API requests per (window, resource, category, operation, status code).</summary>
    public const string ApiRequests = "api-requests";

    /// <summary>One row per call (by call start).</summary>
    public const string Calls = "calls";

    /// <summary>Calls per call-start window.</summary>
    public const string CallVolume = "call-volume";

    /// <summary>Stream quality per (call-start window, media type, direction, transport).</summary>
    public const string CallQuality = "call-quality";

    /// <summary>Email delivery and engagement per window.</summary>
    public const string Email = "email";

    /// <summary>Usage quantity per (window, usage type, unit).</summary>
    public const string Usage = "usage";

    /// <summary>Dead-lettered units, one row each.</summary>
    public const string DeadLetters = "dead-letters";

    /// <summary>Pipeline health per category and source partition (counts, lags, roll-up backlog).</summary>
    public const string Health = "health";

    /// <summary>Schema drift per category (<c>view=drift</c>, the default) or the field inventory (<c>view=fields</c>).</summary>
    public const string Schema = "schema";

    /// <summary>
    /// Every kind that has several views, with its views (the first is the default) — the lists the kinds themselves parse
    /// <c>view</c> with (<see cref="IQueryKind.Views"/>), for text written without services (the CLI's help). Every other
    /// kind has one shape and rejects <c>view</c>.
    /// </summary>
    public static IReadOnlyList<(string Kind, IReadOnlyList<string> Views)> Views { get; } =
    [
        (ApiRequests, ApiRequestsQuery.AllViews),
        (CallVolume, CallVolumeQuery.AllViews),
        (CallQuality, CallQualityQuery.AllViews),
        (Email, EmailQuery.AllViews),
        (Health, HealthQuery.AllViews),
        (Schema, SchemaQuery.AllViews),
    ];
}
