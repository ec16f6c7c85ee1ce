using System.Collections.Frozen;
using System.Text.Json;
using AcsFunctions.Records;

namespace AcsFunctions.Dispatch;

/// <summary>Canonical ACS diagnostic-log category names (as they appear in the diagnostic setting).</summary>
public static class Categories
{
#pragma warning disable CS1591 // The names are the documentation.
    public const string CallSummary = "CallSummary";
    public const string CallSummaryUpdates = "CallSummaryUpdates";
    public const string CallDiagnostics = "CallDiagnostics";
    public const string CallDiagnosticsUpdates = "CallDiagnosticsUpdates";
    public const string CallClientOperations = "CallClientOperations";
    public const string CallClientMediaStatsTimeSeries = "CallClientMediaStatsTimeSeries";
    public const string Usage = "Usage";
    public const string AuthOperational = "AuthOperational";
    public const string ChatOperational = "ChatOperational";
    public const string SmsOperational = "SMSOperational";
    public const string CallAutomationOperational = "CallAutomationOperational";
    public const string CallRecordingOperational = "CallRecordingOperational";
    public const string NetworkTraversalOperational = "NetworkTraversalOperational";
    public const string JobRouterOperational = "JobRouterOperational";
    public const string RoomsOperational = "RoomsOperational";
    public const string AdvancedMessagingOperational = "AdvancedMessagingOperational";
    public const string EmailSendMailOperational = "EmailSendMailOperational";
    public const string EmailStatusUpdateOperational = "EmailStatusUpdateOperational";
    public const string EmailUserEngagementOperational = "EmailUserEngagementOperational";

    /// <summary>Pseudo-category for platform-metric records (<c>metricName</c> + <c>timeGrain</c>, no <c>category</c>).</summary>
    public const string PlatformMetric = "PlatformMetric";
#pragma warning restore CS1591

    /// <summary>The API-request family: records whose <c>resultSignature</c> is an HTTP status.</summary>
    public static IReadOnlyList<string> ApiRequestFamily { get; } =
    [
        AuthOperational, ChatOperational, SmsOperational, CallAutomationOperational, CallRecordingOperational,
        NetworkTraversalOperational, JobRouterOperational, RoomsOperational, AdvancedMessagingOperational,
    ];

    private static readonly string[] _known =
    [
        CallSummary, CallSummaryUpdates, CallDiagnostics, CallDiagnosticsUpdates, CallClientOperations,
        CallClientMediaStatsTimeSeries, Usage, AuthOperational, ChatOperational, SmsOperational,
        CallAutomationOperational, CallRecordingOperational, NetworkTraversalOperational, JobRouterOperational,
        RoomsOperational, AdvancedMessagingOperational, EmailSendMailOperational, EmailStatusUpdateOperational,
        EmailUserEngagementOperational, PlatformMetric,
        "CallAutomationMediaSummary", "CallAutomationStreamingUsage", "CallRecordingSummary", "CallingMetrics",
        "CallClientMediaStatsCompressedTimeSeries", "CallClientServiceRequestAndOutcome", "CallSurvey",
        "CallClosedCaptionsSummary", "NetworkTraversalDiagnostics",
    ];

    // Known names are unique ignoring case (building this fails otherwise).
    private static readonly FrozenDictionary<string, string> _knownByName =
        _known.ToFrozenDictionary(name => name, StringComparer.OrdinalIgnoreCase);

    private const string PrivatePreviewSuffix = "PRIVATEPREVIEW";

    /// <summary>
    /// The canonical category a record's own <c>category</c> member names (empty when it has none or it is not a
    /// string): what the privacy policy is applied with before the record id is computed.
    /// </summary>
    public static string OfRecord(JsonElement record) =>
        DiagnosticRecord.TryGetProperty(record, "category", out var category) && category.ValueKind == JsonValueKind.String
            ? Canonicalize(DiagnosticRecord.ReadString(category))
            : string.Empty;

    /// <summary>
    /// The canonical form of a category string: case is ignored, the old <c>PRIVATEPREVIEW</c> suffix is dropped,
    /// and known categories get their documented spelling. Unknown categories keep their (trimmed) spelling.
    /// </summary>
    public static string Canonicalize(string category)
    {
        // A known name in any case (what nearly every record carries, twice: privacy and envelope) is found at once:
        // it has no white space and no PRIVATEPREVIEW suffix, so the steps below would give the same name.
        if (_knownByName.TryGetValue(category, out var direct))
        {
            return direct;
        }

        var name = category.Trim();
        if (name.EndsWith(PrivatePreviewSuffix, StringComparison.OrdinalIgnoreCase) && name.Length > PrivatePreviewSuffix.Length)
        {
            name = name[..^PrivatePreviewSuffix.Length];
        }

        return _knownByName.TryGetValue(name, out var known) ? known : name;
    }

    /// <summary>True for the categories stored per call (partitioned by correlation id).</summary>
    public static bool IsCallScoped(string canonical) =>
        canonical is CallSummary or CallSummaryUpdates or CallDiagnostics or CallDiagnosticsUpdates;
}
