using AcsFunctions.Queries;

namespace AcsFunctions.Schemas.Email;

/// <summary>
/// One <c>email</c> row: a delivery count per (window, sender domain, delivery status, hard bounce, SMTP code)
/// when <see cref="Type"/> is <c>delivery</c>, or an engagement count per (window, engagement type) when it is
/// <c>engagement</c>; the fields of the other type are null.
/// </summary>
public sealed record EmailRow : QueryRow
{
    /// <inheritdoc />
    internal override DateTimeOffset FlagWindow => WindowStart;

    /// <summary>Start of the window (UTC).</summary>
    public required DateTimeOffset WindowStart { get; init; }

    /// <summary>The ACS resource id.</summary>
    public required string ResourceId { get; init; }

    /// <summary>The ACS resource name.</summary>
    public required string ResourceName { get; init; }

    /// <summary><c>delivery</c> or <c>engagement</c>.</summary>
    public required string Type { get; init; }

    /// <summary>Sender domain (delivery).</summary>
    public string? SenderDomain { get; init; }

    /// <summary>Delivery status (delivery): Delivered, Failed, Bounced, Suppressed, Quarantined, FilteredSpam, …</summary>
    public string? DeliveryStatus { get; init; }

    /// <summary>Hard bounce (delivery).</summary>
    public bool? IsHardBounce { get; init; }

    /// <summary>SMTP status code (delivery).</summary>
    public string? SmtpStatusCode { get; init; }

    /// <summary>Engagement type (engagement): View, Click, …</summary>
    public string? EngagementType { get; init; }

    /// <summary>Records.</summary>
    public long Count { get; init; }
}
