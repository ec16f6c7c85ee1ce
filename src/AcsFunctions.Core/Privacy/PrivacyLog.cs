using Microsoft.Extensions.Logging;

namespace AcsFunctions.Privacy;

/// <summary>Log messages of the privacy policy (event ids 5000–5099).</summary>
internal static partial class PrivacyLog
{
    [LoggerMessage(EventId = 5000, EventName = "PrivacyDevelopmentKey", Level = LogLevel.Information,
        Message = "Privacy: no key configured ({Setting}); personal fields are hashed with the public DEVELOPMENT key")]
    public static partial void DevelopmentKey(ILogger logger, string setting);

    [LoggerMessage(EventId = 5001, EventName = "PrivacyPolicyActive", Level = LogLevel.Information,
        Message = "Privacy policy active: {Overrides} field override(s) configured")]
    public static partial void PolicyActive(ILogger logger, int overrides);
}
