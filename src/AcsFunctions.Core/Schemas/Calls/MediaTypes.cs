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
        return UpperEquals(trimmed, "AUDIO") ? Audio
            : UpperEquals(trimmed, "VIDEO") ? Video
            : UpperEquals(trimmed, "VBSS") || UpperEquals(trimmed, "SCREENSHARING") || UpperEquals(trimmed, "SCREENSHARE") || UpperEquals(trimmed, "SCREEN") ? ScreenSharing
            : UpperEquals(trimmed, "APPSHARING") ? AppSharing
            : trimmed;
    }

    /// <summary>
    /// <c>text.ToUpperInvariant() == upperName</c>, without making the upper-case copy when the text is ASCII (the
    /// usual case).
    /// </summary>
    public static bool UpperEquals(string text, string upperName) =>
        System.Text.Ascii.IsValid(text)
            ? System.Text.Ascii.EqualsIgnoreCase(text, upperName)
            : string.Equals(text.ToUpperInvariant(), upperName, StringComparison.Ordinal);
}
