using System.Collections.Frozen;
using AcsFunctions.Dispatch;

namespace AcsFunctions.Privacy;

/// <summary>
/// The one place that says which fields of which categories are personal, what they hold and what the default
/// action is. Field names match case-insensitively, at the top level of a record and inside <c>properties</c>.
/// Categories listed in <see cref="DescribedCategories"/> have a known field list: only the fields below are
/// touched. Any other category (new, renamed, or with an undocumented payload) is treated as unknown: besides the
/// common fields, every string value except the envelope (<see cref="EnvelopeFields"/>) is scrubbed by pattern.
/// </summary>
public static class PersonalFields
{
    /// <summary>The pseudo-category whose rules apply to every category (also usable in configuration overrides).</summary>
    public const string AllCategories = "All";

    /// <summary>Rules for every category: the common-schema fields and identifiers that mean the same wherever they appear.</summary>
    public static FrozenDictionary<string, FieldRule> Common { get; } = new Dictionary<string, FieldRule>(StringComparer.OrdinalIgnoreCase)
    {
        ["callerIpAddress"] = new(PersonalDataKind.IpAddress, PrivacyAction.Mask),
        ["identity"] = new(PersonalDataKind.Identifier, PrivacyAction.Hash), // envelope identity (object or string); Auth/NetworkTraversal Identity
        ["identifier"] = new(PersonalDataKind.Identifier, PrivacyAction.Hash), // CallSummary/CallDiagnostics(+Updates)
        ["UserId"] = new(PersonalDataKind.Identifier, PrivacyAction.Hash), // Chat
        ["PhoneNumber"] = new(PersonalDataKind.Identifier, PrivacyAction.Hash), // SMS
        ["RecipientId"] = new(PersonalDataKind.Identifier, PrivacyAction.Hash), // Email status / engagement
        ["UserIdA"] = new(PersonalDataKind.Identifier, PrivacyAction.Hash), // Usage (ACS identity or PSTN number)
        ["UserIdB"] = new(PersonalDataKind.Identifier, PrivacyAction.Hash),
        ["resultDescription"] = new(PersonalDataKind.FreeText, PrivacyAction.Mask),
        ["URI"] = new(PersonalDataKind.Url, PrivacyAction.Mask),
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>Category-specific rules (free text and payloads whose meaning depends on the category).</summary>
    public static FrozenDictionary<string, FrozenDictionary<string, FieldRule>> ByCategory { get; } = BuildByCategory();

    /// <summary>Categories whose fields are documented (see the data contract); others get the unknown-category scrub.</summary>
    public static FrozenSet<string> DescribedCategories { get; } = new[]
    {
        Categories.AuthOperational, Categories.ChatOperational, Categories.SmsOperational,
        Categories.EmailSendMailOperational, Categories.EmailStatusUpdateOperational, Categories.EmailUserEngagementOperational,
        Categories.AdvancedMessagingOperational, Categories.CallAutomationOperational, "CallAutomationMediaSummary",
        Categories.CallRecordingOperational, "CallRecordingSummary", Categories.CallSummary, Categories.CallSummaryUpdates,
        Categories.CallDiagnostics, Categories.CallDiagnosticsUpdates, "CallingMetrics", Categories.CallClientOperations,
        Categories.CallClientMediaStatsTimeSeries, "CallSurvey", "CallClosedCaptionsSummary", Categories.JobRouterOperational,
        Categories.RoomsOperational, Categories.Usage, Categories.NetworkTraversalOperational, "NetworkTraversalDiagnostics",
        Categories.PlatformMetric,
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Envelope fields left alone in unknown categories (they are keys, times and codes — never personal — and
    /// scrubbing them would break partitioning and joins).
    /// </summary>
    public static FrozenSet<string> EnvelopeFields { get; } = new[]
    {
        "time", "timeStamp", "TimeGenerated", "resourceId", "category", "operationName", "operationVersion",
        "correlationId", "correlationIdentifier", "resultType", "resultSignature", "durationMs", "level", "location",
        "metricName", "timeGrain",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="name"/> is one of <see cref="EnvelopeFields"/> (without needing a string).</summary>
    public static bool IsEnvelopeField(ReadOnlySpan<char> name) => _envelopeByChars.Contains(name);

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _envelopeByChars = EnvelopeFields.GetAlternateLookup<ReadOnlySpan<char>>();

    private static FrozenDictionary<string, FrozenDictionary<string, FieldRule>> BuildByCategory()
    {
        var freeText = new FieldRule(PersonalDataKind.FreeText, PrivacyAction.Mask);
        var callLogs = new Dictionary<string, FieldRule>(StringComparer.OrdinalIgnoreCase)
        {
            ["DiagnosticOptions"] = freeText, // app-defined tags
            ["CallDebuggingInfo"] = freeText,
        };
        var map = new Dictionary<string, Dictionary<string, FieldRule>>(StringComparer.OrdinalIgnoreCase)
        {
            [Categories.EmailStatusUpdateOperational] = new(StringComparer.OrdinalIgnoreCase)
            {
                ["FailureMessage"] = freeText,
                ["FailureReason"] = freeText,
            },
            [Categories.EmailUserEngagementOperational] = new(StringComparer.OrdinalIgnoreCase)
            {
                ["EngagementContext"] = new(PersonalDataKind.Url, PrivacyAction.Mask), // the clicked URL
                ["UserAgent"] = freeText,
            },
            [Categories.CallClientOperations] = new(StringComparer.OrdinalIgnoreCase)
            {
                ["UserAgent"] = freeText,
                ["OperationPayload"] = freeText,
            },
            ["CallAutomationMediaSummary"] = new(StringComparer.OrdinalIgnoreCase)
            {
                ["ResultMessage"] = freeText,
            },
            [Categories.CallSummary] = callLogs,
            [Categories.CallSummaryUpdates] = callLogs,
            [Categories.CallDiagnostics] = callLogs,
            [Categories.CallDiagnosticsUpdates] = callLogs,
        };
        return map.ToFrozenDictionary(
            p => p.Key,
            p => p.Value.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase),
            StringComparer.OrdinalIgnoreCase);
    }
}
