using System.Collections.Frozen;
using System.Text;
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
    /// <see cref="OfRecord(JsonElement)"/> from the record's UTF-8 bytes (one JSON object), without a document: the
    /// last member named exactly <c>category</c>, else the first in any casing, as the DOM lookup finds it. False when
    /// the bytes hold what only the DOM lookup decides the same way (a top-level name or the category value with an
    /// escape or a non-ASCII character); the caller then parses the record and asks <see cref="OfRecord(JsonElement)"/>.
    /// </summary>
    internal static bool TryOfRecord(ReadOnlySpan<byte> record, out string category)
    {
        category = string.Empty;
        var reader = new Utf8JsonReader(record, new JsonReaderOptions { MaxDepth = 64 });
        return reader.Read() && reader.TokenType == JsonTokenType.StartObject && TryOfRecord(ref reader, out category);
    }

    /// <summary>
    /// <see cref="TryOfRecord(ReadOnlySpan{byte}, out string)"/> with the reader on the record's <c>{</c>: reads the whole
    /// record (the reader ends on its <c>}</c>) whatever it returns.
    /// </summary>
    internal static bool TryOfRecord(ref Utf8JsonReader reader, out string category)
    {
        category = string.Empty;
        var decided = true;
        var found = false;
        var isString = false;
        ReadOnlySpan<byte> value = default;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            if (reader.ValueIsEscaped || !Ascii.IsValid(name))
            {
                decided = false; // only the DOM lookup compares it the same way (the record is still read to its end)
            }

            var isExact = name.SequenceEqual("category"u8);
            var take = isExact || (!found && Ascii.EqualsIgnoreCase(name, "category"u8));
            reader.Read();
            if (take)
            {
                if (reader.TokenType == JsonTokenType.String && (reader.ValueIsEscaped || !Ascii.IsValid(reader.ValueSpan)))
                {
                    decided = false;
                }

                found = true;
                isString = reader.TokenType == JsonTokenType.String;
                value = isString ? reader.ValueSpan : default;
            }

            reader.Skip();
        }

        if (!decided || !found || !isString)
        {
            return decided;
        }

        // A known name in any casing (nearly every record) costs no string.
        if (value.Length <= 128)
        {
            Span<char> chars = stackalloc char[value.Length];
            Ascii.ToUtf16(value, chars, out _);
            if (_knownByName.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chars, out var known))
            {
                category = known;
                return true;
            }
        }

        category = Canonicalize(Encoding.ASCII.GetString(value));
        return true;
    }

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
