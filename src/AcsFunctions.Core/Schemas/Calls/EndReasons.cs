using System.Collections.Frozen;

namespace AcsFunctions.Schemas.Calls;

/// <summary>
/// Call end codes (<c>participantEndReason</c>) and subcodes (<c>participantEndSubCode</c>) with their meaning and
/// result class (acs-data-contract §8.1). Classification, in priority order: <c>resultCategory</c> when present;
/// the (code, subcode) table; code 0, 2xx, and 487/603 with subcode 0 are Success; otherwise by first digit
/// (4xx client, 5xx server, 6xx expected). A leg is <c>Dropped</c> when its code is one of the official
/// Call Diagnostics "dropped" codes.
/// </summary>
public static class EndReasons
{
#pragma warning disable CS1591 // The names are the documentation.
    public const string Success = "Success";
    public const string ExpectedError = "ExpectedError";
    public const string UnexpectedClientError = "UnexpectedClientError";
    public const string UnexpectedServerError = "UnexpectedServerError";
    public const string Unknown = "Unknown";
#pragma warning restore CS1591

    /// <summary>Codes the official Call Diagnostics query counts as dropped legs.</summary>
    public static FrozenSet<int> DroppedCodes { get; } =
        new[] { 380, 400, 407, 408, 409, 410, 412, 417, 430, 439, 440, 481, 483, 488, 489, 493, 500, 502, 503, 504, 580 }.ToFrozenSet();

    private static readonly (int Code, int SubCode, string Meaning, string Class)[] _table =
    [
        (0, 0, "Local participant ended the call normally", Success),
        (487, 0, "Caller cancelled the call", Success),
        (603, 0, "Callee declined the call", Success),
        (410, 3100, "Call setup failed: unexpected client network problem", UnexpectedClientError),
        (410, 3101, "Call dropped: unexpected client network problem", UnexpectedClientError),
        (410, 3112, "Call setup failed: client network configuration", ExpectedError),
        (0, 4097, "Organizer ended the meeting for everyone", Success),
        (495, 4507, "The app supplied an invalid ACS token", UnexpectedClientError),
        (0, 4521, "User disconnected abruptly (e.g. closed the browser tab)", ExpectedError),
        (0, 5000, "Removed from the call by another participant", Success),
        (0, 5300, "Removed from the call by another participant", Success),
        (0, 5003, "All callee endpoints declined the call", Success),
        (0, 7000, "Call ended by the ACS platform", Success),
        (487, 10003, "Call accepted elsewhere (another endpoint of the same user)", Success),
        (487, 10004, "Call cancelled on ring timeout", ExpectedError),
        (487, 10024, "Call declined by all callee endpoints", Success),
        (408, 10057, "Callee failed to finish call setup (lost network or closed the app)", ExpectedError),
        (410, 301005, "Removed by the infrastructure after media connectivity loss", UnexpectedClientError),
        (403, 510403, "Call blocked as spam", ExpectedError),
        (487, 540487, "Caller cancelled the call", Success),
        (0, 560000, "Remote PSTN party hung up", Success),
        (486, 560486, "Remote PSTN party was busy", Success),
    ];

    private static readonly FrozenDictionary<(int, int), (string Meaning, string Class)> _byCodeAndSubCode =
        _table.ToFrozenDictionary(r => (r.Code, r.SubCode), r => (r.Meaning, r.Class));

    private static readonly FrozenDictionary<int, (string Meaning, string Class)> _bySubCode =
        _table.Where(r => r.SubCode != 0).ToFrozenDictionary(r => r.SubCode, r => (r.Meaning, r.Class));

    private static readonly FrozenDictionary<int, string> _codeHints = new Dictionary<int, string>
    {
        [0] = "Call ended",
        [403] = "Forbidden or authentication failure",
        [404] = "Call not found",
        [408] = "Call controller timed out",
        [410] = "Local media stack or media infrastructure error",
        [430] = "Unable to deliver the message to the client application",
        [480] = "Remote client endpoint not registered",
        [481] = "Failed to handle the incoming call",
        [487] = "Call cancelled, declined locally, or ended by an endpoint mismatch",
        [490] = "Local endpoint network issue",
        [491] = "Local endpoint network issue",
        [496] = "Local endpoint network issue",
        [497] = "Local endpoint network issue",
        [498] = "Local endpoint network issue",
        [500] = "ACS infrastructure error",
        [503] = "ACS infrastructure error",
        [504] = "ACS infrastructure error",
        [603] = "Call globally declined by the remote participant",
    }.ToFrozenDictionary();

    /// <summary>Classifies an end reason.</summary>
    /// <param name="code">The end-reason code, when present.</param>
    /// <param name="subCode">The subcode, when present.</param>
    /// <param name="resultCategory">The record's <c>resultCategory</c>, when present (authoritative).</param>
    public static EndReason Classify(int? code, int? subCode, string? resultCategory)
    {
        (string Meaning, string Class)? row = null;
        if (code is { } c && _byCodeAndSubCode.TryGetValue((c, subCode ?? 0), out var exact))
        {
            row = exact;
        }
        else if (subCode is { } s and not 0 && _bySubCode.TryGetValue(s, out var bySub))
        {
            row = bySub;
        }

        var meaning = row?.Meaning ?? (code is { } hintCode && _codeHints.TryGetValue(hintCode, out var hint) ? hint : null);
        var resultClass = NormalizeCategory(resultCategory) ?? row?.Class ?? ClassOfCode(code, subCode);
        bool? dropped = code is { } d ? DroppedCodes.Contains(d) : null;
        return new EndReason(meaning, resultClass, dropped);
    }

    /// <summary>The documented spelling of a <c>resultCategory</c> value (other values keep theirs), or null when absent.</summary>
    public static string? NormalizeCategory(string? resultCategory)
    {
        if (string.IsNullOrWhiteSpace(resultCategory))
        {
            return null;
        }

        var trimmed = resultCategory.Trim();
        foreach (var known in (ReadOnlySpan<string>)[Success, ExpectedError, UnexpectedClientError, UnexpectedServerError])
        {
            if (string.Equals(known, trimmed, StringComparison.OrdinalIgnoreCase))
            {
                return known;
            }
        }

        return trimmed;
    }

    private static string? ClassOfCode(int? code, int? subCode)
    {
        if (code is not { } c)
        {
            return null;
        }

        if (c == 0 || c is >= 200 and < 300 || (c is 487 or 603 && (subCode ?? 0) == 0))
        {
            return Success;
        }

        return (c / 100) switch
        {
            4 => UnexpectedClientError,
            5 => UnexpectedServerError,
            6 => ExpectedError,
            _ => Unknown,
        };
    }
}
