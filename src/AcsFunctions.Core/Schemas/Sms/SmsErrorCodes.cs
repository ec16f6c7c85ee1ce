using System.Collections.Frozen;

namespace AcsFunctions.Schemas.Sms;

/// <summary>
/// SMS delivery-report error codes (acs-data-contract §8.4): their meaning and outcome bucket. 4005 and 4010 are
/// <c>Blocked</c> (as the ACS workbook counts them); 2000 is delivered; 5002 (the carrier does not report
/// delivery) is <c>Unknown</c>; every other code is <c>Failed</c>.
/// </summary>
public static class SmsErrorCodes
{
    /// <summary>Outcome of a delivered message.</summary>
    public const string Delivered = "Delivered";

    /// <summary>Outcome of a message that was not delivered.</summary>
    public const string Failed = "Failed";

    /// <summary>Outcome of a message blocked by the carrier or by an unverified toll-free number (4005, 4010).</summary>
    public const string Blocked = "Blocked";

    /// <summary>Outcome when the carrier does not report delivery (5002).</summary>
    public const string Unknown = "Unknown";

    private static readonly FrozenDictionary<int, (string Meaning, string Outcome)> _codes = new Dictionary<int, (string, string)>
    {
        [2000] = ("Delivered", Delivered),
        [4000] = ("Rejected by fraud detection", Failed),
        [4001] = ("Invalid source number format", Failed),
        [4002] = ("Invalid destination format", Failed),
        [4003] = ("Unsupported destination", Failed),
        [4004] = ("Destination number doesn't exist", Failed),
        [4005] = ("Blocked by destination carrier", Blocked),
        [4006] = ("Destination not reachable", Failed),
        [4007] = ("Recipient opted out", Failed),
        [4008] = ("Profile message limit exceeded", Failed),
        [4009] = ("Rejected by the Microsoft entitlement system", Failed),
        [4010] = ("Toll-free number not verified", Blocked),
        [5000] = ("Delivery failed", Failed),
        [5001] = ("Temporary unavailability", Failed),
        [5002] = ("Carrier does not support delivery reports", Unknown),
        [9999] = ("Unknown failure", Failed),
    }.ToFrozenDictionary();

    /// <summary>The documented meaning of a code, or null.</summary>
    public static string? Meaning(int code) => _codes.TryGetValue(code, out var entry) ? entry.Meaning : null;

    /// <summary>The outcome bucket of a code (undocumented codes are failures).</summary>
    public static string Outcome(int code) => _codes.TryGetValue(code, out var entry) ? entry.Outcome : Failed;
}
