namespace AcsFunctions.Schemas.Email;

/// <summary>Email <c>EngagementType</c>: <c>View</c> (open) or <c>Click</c>; other values keep their spelling.</summary>
public static class EngagementTypes
{
    /// <summary>The recipient opened the message.</summary>
    public const string View = "View";

    /// <summary>The recipient clicked a link.</summary>
    public const string Click = "Click";

    /// <summary>The normalised engagement type, or null when absent.</summary>
    public static string? Normalize(string? type)
    {
        if (string.IsNullOrWhiteSpace(type))
        {
            return null;
        }

        var trimmed = type.Trim();
        return trimmed.ToUpperInvariant() switch
        {
            "VIEW" or "OPEN" or "OPENED" => View,
            "CLICK" or "CLICKED" => Click,
            _ => trimmed,
        };
    }
}
