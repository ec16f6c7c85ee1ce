namespace AcsFunctions.Schemas.Email;

/// <summary>
/// Email <c>DeliveryStatus</c> values (acs-data-contract §3.5, §8.5): <c>Delivered</c> is the only success;
/// <c>OutForDelivery</c> is interim (the workbooks exclude it); the others are not delivered. Known values get their
/// documented spelling; unknown ones keep theirs.
/// </summary>
public static class DeliveryStatuses
{
#pragma warning disable CS1591 // The names are the documentation.
    public const string Delivered = "Delivered";
    public const string Failed = "Failed";
    public const string Bounced = "Bounced";
    public const string Suppressed = "Suppressed";
    public const string Quarantined = "Quarantined";
    public const string FilteredSpam = "FilteredSpam";
    public const string OutForDelivery = "OutForDelivery";
    public const string Expanded = "Expanded";
#pragma warning restore CS1591

    private static readonly string[] _known = [Delivered, Failed, Bounced, Suppressed, Quarantined, FilteredSpam, OutForDelivery, Expanded];

    /// <summary>The documented spelling of a status, or null when absent.</summary>
    public static string? Normalize(string? status)
    {
        if (string.IsNullOrWhiteSpace(status))
        {
            return null;
        }

        var trimmed = status.Trim();
        foreach (var known in _known)
        {
            if (string.Equals(known, trimmed, StringComparison.OrdinalIgnoreCase))
            {
                return known;
            }
        }

        return trimmed;
    }
}
