namespace AcsFunctions.Generation;

/// <summary>A participant end reason from the call-end code tables (acs-data-contract §8.1).</summary>
/// <param name="Code">participantEndReason (SIP-like code, 0 = success).</param>
/// <param name="SubCode">participantEndSubCode.</param>
/// <param name="ResultCategory">Success, ExpectedError, UnexpectedClientError or UnexpectedServerError.</param>
internal sealed record EndReason(int Code, int SubCode, string ResultCategory)
{
    private static readonly HashSet<int> _droppedCodes = [380, 400, 407, 408, 409, 410, 412, 417, 430, 439, 440, 481, 483, 488, 489, 493, 500, 502, 503, 504, 580];

    /// <summary>Normal end.</summary>
    public static EndReason Normal { get; } = new(0, 0, "Success");

    /// <summary>End reasons of VoIP and bot participants, by share.</summary>
    public static IReadOnlyList<(EndReason Item, double Weight)> Client { get; } =
    [
        (Normal, 80),
        (new(487, 0, "Success"), 3),
        (new(603, 0, "Success"), 2),
        (new(410, 3100, "UnexpectedClientError"), 0.8),
        (new(410, 3101, "UnexpectedClientError"), 1.5),
        (new(410, 3112, "ExpectedError"), 0.3),
        (new(0, 4097, "Success"), 2),
        (new(495, 4507, "UnexpectedClientError"), 0.2),
        (new(0, 4521, "ExpectedError"), 2),
        (new(0, 5000, "Success"), 1),
        (new(0, 5003, "Success"), 0.5),
        (new(0, 7000, "Success"), 0.5),
        (new(487, 10003, "Success"), 0.5),
        (new(487, 10004, "ExpectedError"), 1),
        (new(487, 10024, "Success"), 0.3),
        (new(408, 10057, "ExpectedError"), 0.5),
        (new(410, 301005, "UnexpectedClientError"), 0.7),
        (new(403, 510403, "ExpectedError"), 0.1),
        (new(487, 540487, "Success"), 0.3),
        (new(500, 0, "UnexpectedServerError"), 0.2),
        (new(503, 0, "UnexpectedServerError"), 0.3),
    ];

    /// <summary>End reasons of PSTN participants, by share.</summary>
    public static IReadOnlyList<(EndReason Item, double Weight)> Pstn { get; } =
    [
        (new(0, 560000, "Success"), 70),
        (Normal, 15),
        (new(486, 560486, "Success"), 5),
        (new(487, 540487, "Success"), 4),
        (new(408, 10057, "ExpectedError"), 2),
        (new(410, 301005, "UnexpectedClientError"), 1),
        (new(503, 0, "UnexpectedServerError"), 0.5),
    ];

    /// <summary>How a session that is followed by a rejoin ends (the network dropped, or the tab closed).</summary>
    public static IReadOnlyList<(EndReason Item, double Weight)> BeforeRejoin { get; } =
    [
        (new(410, 3101, "UnexpectedClientError"), 5),
        (new(410, 301005, "UnexpectedClientError"), 3),
        (new(0, 4521, "ExpectedError"), 2),
    ];

    /// <summary>True when the code is one the official Call Diagnostics query counts as a dropped participant.</summary>
    public bool Dropped => _droppedCodes.Contains(Code);
}
