using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using AcsFunctions.Decoding;
using AcsFunctions.Dispatch;
using AcsFunctions.Records;
using AcsFunctions.Storage;

namespace AcsFunctions.Ingestion;

/// <summary>
/// The envelope-checks stage: resolves a (privacy-filtered) record's category, event time, resource, correlation id
/// and operation name into the <see cref="RecordContext"/> its handler gets, or the dead letter that says why it has
/// none (no category, no or unreadable time, a time outside <see cref="EventTimeRange"/>).
/// </summary>
internal static class RecordEnvelope
{
    /// <summary>Reads the envelope of <paramref name="record"/> (whose stored bytes are <paramref name="payload"/>).</summary>
    public static bool TryRead(
        DiagnosticRecord record,
        ReadOnlySpan<byte> payload,
        string recordId,
        Lineage lineage,
        [NotNullWhen(true)] out RecordContext? context,
        [NotNullWhen(false)] out DeadLetter? deadLetter) =>
        TryRead(record, payload, recordId, lineage, null, out context, out deadLetter);

    /// <summary>
    /// As <see cref="TryRead(DiagnosticRecord, ReadOnlySpan{byte}, string, Lineage, out RecordContext?, out DeadLetter?)"/>,
    /// filling <paramref name="reuse"/> (the thread's context, see <see cref="RecordContext.Reuse"/>) when given instead of a new context.
    /// </summary>
    public static bool TryRead(
        DiagnosticRecord record,
        ReadOnlySpan<byte> payload,
        string recordId,
        Lineage lineage,
        RecordContext? reuse,
        [NotNullWhen(true)] out RecordContext? context,
        [NotNullWhen(false)] out DeadLetter? deadLetter)
    {
        context = null;
        var categoryField = record.GetString("category");
        string category;
        string rawCategory;
        if (categoryField.HasValue)
        {
            rawCategory = categoryField.Value!;
            category = Categories.Canonicalize(rawCategory);
        }
        else if (record.TryGetRaw(out _, "metricName") && record.TryGetRaw(out _, "timeGrain"))
        {
            rawCategory = category = Categories.PlatformMetric;
        }
        else
        {
            // A valid time files the dead letter under the record's day, as every other dead letter with a time, so
            // re-ingesting it on another day finds the same row; a missing, unreadable or out-of-range time gives none.
            var eventTime = TimeOf(record);
            deadLetter = new DeadLetter(
                DeadLetterReasons.MissingCategory,
                "The record has no 'category' and is not a platform-metric record.",
                payload.ToArray(),
                lineage,
                EventTime: eventTime.HasValue && EventTimeRange.Contains(eventTime.Value) ? eventTime.Value : null);
            return false;
        }

        var time = TimeOf(record);
        if (!time.HasValue)
        {
            var detail = time.State == FieldState.Absent
                ? "The record has no 'time'."
                : $"The record's time '{time.Original}' is not an ISO-8601 timestamp.";
            deadLetter = new DeadLetter(DeadLetterReasons.InvalidTime, detail, payload.ToArray(), lineage, category);
            return false;
        }

        if (!EventTimeRange.Contains(time.Value))
        {
            deadLetter = new DeadLetter(DeadLetterReasons.TimeOutOfRange, $"The record's time {time.Value:O} is outside the accepted event times {EventTimeRange.Description}.", payload.ToArray(), lineage, category);
            return false;
        }

        deadLetter = null;
        context = (reuse ?? new RecordContext(reusable: true)).Reuse(
            record,
            category,
            rawCategory,
            time.Value,
            ResourceOf(record),
            lineage,
            recordId,
            record.GetString("correlationId", "correlationIdentifier").OrNull(),
            record.GetString("operationName").OrNull());
        return true;
    }

    /// <summary>The record's event time (<c>time</c>, else <c>timeStamp</c>, else <c>TimeGenerated</c>); the usual shape is read from its bytes.</summary>
    private static FieldValue<DateTimeOffset> TimeOf(DiagnosticRecord record) => record.GetDateTime("time", "timeStamp", "TimeGenerated");

    /// <summary>The record's resource: <see cref="ResourceRef.Parse"/> of its <c>resourceId</c>, matched by the value's raw bytes when seen recently.</summary>
    private static ResourceRef ResourceOf(DiagnosticRecord record) =>
        record.TryGetRaw(out var value, "resourceId", "resourceid")
            ? ResourceRef.ParseRaw(JsonMarshal.GetRawUtf8Value(value), record, static r => r.GetString("resourceId", "resourceid").OrNull())
            : ResourceRef.Unknown;
}
