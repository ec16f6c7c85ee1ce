namespace AcsFunctions.Schemas.Calls;

/// <summary>
/// Normalises <c>endpointType</c> (the docs spell it <c>VOIP</c>, <c>VoIP</c>, <c>BOT</c>, <c>Bot</c>, …) to one
/// spelling: VoIP, PSTN, Bot, Server, Voicemail, Anonymous, Unknown. An undocumented value keeps its own spelling.
/// </summary>
public static class EndpointTypes
{
#pragma warning disable CS1591 // The names are the documentation.
    public const string VoIp = "VoIP";
    public const string Pstn = "PSTN";
    public const string Bot = "Bot";
    public const string Server = "Server";
    public const string Voicemail = "Voicemail";
    public const string Anonymous = "Anonymous";
    public const string Unknown = "Unknown";
#pragma warning restore CS1591

    private static readonly string[] _known = [VoIp, Pstn, Bot, Server, Voicemail, Anonymous, Unknown];

    /// <summary>The normalised endpoint type (<see cref="Unknown"/> when absent).</summary>
    public static string Normalize(string? endpointType)
    {
        if (string.IsNullOrWhiteSpace(endpointType))
        {
            return Unknown;
        }

        var trimmed = endpointType.Trim();
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
