namespace AcsFunctions.Schemas.Calls;

/// <summary>
/// The OS family of a free-text <c>osVersion</c> (<c>Windows 10.0.17763 Arch: x64</c>, <c>Android 11.0; …</c>,
/// <c>Darwin Kernel Version 18.7.0: … RELEASE_ARM64_S5L8960X</c>): Windows, Android, iOS, macOS, Linux, ChromeOS,
/// Apple (a Darwin kernel that names neither), Other.
/// </summary>
public static class OsFamilies
{
    /// <summary>The family, or null when the OS is unknown (absent or redacted).</summary>
    public static string? Of(string? osVersion)
    {
        if (string.IsNullOrWhiteSpace(osVersion))
        {
            return null;
        }

        var os = osVersion.Trim();
        if (Has(os, "Windows"))
        {
            return "Windows";
        }

        if (Has(os, "Android"))
        {
            return "Android";
        }

        if (Has(os, "iPhone") || Has(os, "iPad") || Has(os, "iOS"))
        {
            return "iOS";
        }

        if (Has(os, "Mac OS") || Has(os, "macOS") || Has(os, "OS X"))
        {
            return "macOS";
        }

        if (Has(os, "Darwin"))
        {
            // The kernel build names the SoC: S-series (S5L8960X, …) are iPhone/iPad chips; X86_64 and T-series are Macs.
            if (Has(os, "RELEASE_ARM64_S") || Has(os, "RELEASE_ARM_S"))
            {
                return "iOS";
            }

            return Has(os, "RELEASE_X86_64") || Has(os, "RELEASE_ARM64_T") ? "macOS" : "Apple";
        }

        if (Has(os, "CrOS") || Has(os, "Chrome OS") || Has(os, "ChromeOS"))
        {
            return "ChromeOS";
        }

        return Has(os, "Linux") || Has(os, "Ubuntu") ? "Linux" : "Other";
    }

    private static bool Has(string text, string part) => text.Contains(part, StringComparison.OrdinalIgnoreCase);
}
