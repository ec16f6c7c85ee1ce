namespace AcsFunctions.Schemas.Calls;

/// <summary>Normalises <c>mediaType</c>: Audio, Video, ScreenSharing (<c>VBSS</c>, video-based screen sharing), AppSharing.</summary>
public static class MediaTypes
{
#pragma warning disable CS1591 // The names are the documentation.
    public const string Audio = "Audio";
    public const string Video = "Video";
    public const string ScreenSharing = "ScreenSharing";
    public const string AppSharing = "AppSharing";
    public const string Unknown = "Unknown";
#pragma warning restore CS1591

    /// <summary>The normalised media type (<see cref="Unknown"/> when absent).</summary>
    public static string Normalize(string? mediaType)
    {
        if (string.IsNullOrWhiteSpace(mediaType))
        {
            return Unknown;
        }

        var trimmed = mediaType.Trim();
        return trimmed.ToUpperInvariant() switch
        {
            "AUDIO" => Audio,
            "VIDEO" => Video,
            "VBSS" or "SCREENSHARING" or "SCREENSHARE" or "SCREEN" => ScreenSharing,
            "APPSHARING" => AppSharing,
            _ => trimmed,
        };
    }
}
