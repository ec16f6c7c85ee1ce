using AcsFunctions.Queries;

namespace AcsFunctions.Schemas.Email;

/// <summary>
/// One <c>email</c> row of view <c>delivery-status</c>: the delivery reports of one (window, delivery status), summed over
/// every resource, sender domain and SMTP code the query selects (engagement is left out).
/// </summary>
public sealed record EmailDeliveryStatusRow : QueryRow
{
    /// <inheritdoc />
    internal override DateTimeOffset FlagWindow => WindowStart;

    /// <summary>Start of the window (UTC).</summary>
    public required DateTimeOffset WindowStart { get; init; }

    /// <summary>Delivery status (Delivered, Failed, Bounced, …; <c>unknown</c> when the report had none).</summary>
    public required string DeliveryStatus { get; init; }

    /// <summary>Delivery reports.</summary>
    public long Count { get; init; }
}
