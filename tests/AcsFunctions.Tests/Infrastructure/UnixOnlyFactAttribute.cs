namespace AcsFunctions.Tests.Infrastructure;

/// <summary>
/// A fact that runs on Linux and macOS only, and is reported as skipped (with the reason given) elsewhere —
/// never silently passed.
/// </summary>
public sealed class UnixOnlyFactAttribute : FactAttribute
{
    public UnixOnlyFactAttribute(string reason)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            Skip = "Linux/macOS only: " + reason;
        }
    }
}
