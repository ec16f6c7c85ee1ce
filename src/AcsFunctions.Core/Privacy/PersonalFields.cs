using System.Collections.Frozen;

namespace AcsFunctions.Privacy;

/// <summary>
/// The one place that says which fields of which categories are personal, what they hold and what the default
/// action is, for every category (<see cref="Common"/>) and for the documented categories no schema folder handles
/// (<see cref="ContractOnly"/>); each handled category declares its own rules in its schema folder. Field names match
/// case-insensitively, wherever they appear: at the top level of a record, inside <c>properties</c>, and at any depth
/// inside objects and arrays of objects below them (a member whose own name has a rule is handled whole by that rule).
/// A declared category has a known field list: only the fields with a rule are touched. Any other category (new, renamed, or with an undocumented
/// payload) is treated as unknown: besides the common fields, every string value except the envelope
/// (<see cref="EnvelopeFields"/>) is scrubbed by pattern.
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

    /// <summary>Free text: masked (patterns hashed or masked, the rest kept).</summary>
    public static FieldRule FreeText { get; } = new(PersonalDataKind.FreeText, PrivacyAction.Mask);

    /// <summary>
    /// Rules of the categories the data contract documents but no schema folder handles (they are stored unclassified):
    /// these count as declared. Every handled category declares its own rules in its folder
    /// (<c>CategorySpec.PersonalFields</c>), passed to <see cref="PrivacyPolicy"/> as <see cref="PersonalFieldDeclaration"/>s.
    /// </summary>
    public static IReadOnlyList<PersonalFieldDeclaration> ContractOnly { get; } =
    [
        new("CallAutomationMediaSummary", new Dictionary<string, FieldRule>(StringComparer.OrdinalIgnoreCase) { ["ResultMessage"] = FreeText }),
        new("CallRecordingSummary", new Dictionary<string, FieldRule>()),
        new("CallingMetrics", new Dictionary<string, FieldRule>()),
        new("CallSurvey", new Dictionary<string, FieldRule>()),
        new("CallClosedCaptionsSummary", new Dictionary<string, FieldRule>()),
        new("NetworkTraversalDiagnostics", new Dictionary<string, FieldRule>()),
    ];

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
}
