using System.Text.Json;
using AcsFunctions.Dispatch;
using AcsFunctions.Generation;

namespace AcsFunctions.Tests.Generation;

/// <summary>Reads generated bodies back the way a consumer would (independently of the generator's own bookkeeping).</summary>
internal static class GeneratedRecords
{
    /// <summary>Every record of every body that parses as <c>{"records":[...]}</c>, as cloned elements.</summary>
    public static List<JsonElement> Parse(IEnumerable<GeneratedBody> bodies)
    {
        var records = new List<JsonElement>();
        foreach (var body in bodies)
        {
            using var document = JsonDocument.Parse(body.Data);
            foreach (var record in document.RootElement.GetProperty("records").EnumerateArray())
            {
                records.Add(record.Clone());
            }
        }

        return records;
    }

    /// <summary>A field, looked up case-insensitively at the top level and then in properties; "null", "" and null are absent.</summary>
    public static string? Field(JsonElement record, string name)
    {
        foreach (var scope in new[] { record, Properties(record) })
        {
            if (scope.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            foreach (var property in scope.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    var text = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString(),
                        JsonValueKind.Null => null,
                        _ => property.Value.GetRawText(),
                    };
                    text = text?.Trim();
                    return string.IsNullOrEmpty(text) || text == "null" ? null : text;
                }
            }
        }

        return null;
    }

    public static double? Number(JsonElement record, string name) =>
        Field(record, name) is { } text ? double.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : null;

    public static string Category(JsonElement record) => Categories.Canonicalize(Field(record, "category")!);

    public static bool IsSummary(JsonElement record) => Category(record) is Categories.CallSummary or Categories.CallSummaryUpdates;

    public static bool IsDiagnostics(JsonElement record) => Category(record) is Categories.CallDiagnostics or Categories.CallDiagnosticsUpdates;

    /// <summary>The key a call record is stored under (participant, else endpoint; plus media and stream for diagnostics).</summary>
    public static string CallKey(JsonElement record)
    {
        var who = Field(record, "participantId") ?? Field(record, "endpointId");
        return IsSummary(record)
            ? $"S|{Field(record, "correlationId")}|{who}"
            : $"D|{Field(record, "correlationId")}|{who}|{Field(record, "mediaType")}|{Field(record, "streamId")}";
    }

    public static int Version(JsonElement record) => (int)(Number(record, "callUpdatesVersion") ?? 0);

    /// <summary>The quality thresholds of acs-data-contract §7, applied to the Avg fields (null is not poor).</summary>
    public static bool IsPoor(JsonElement record)
    {
        var media = Field(record, "mediaType");
        var screen = media is "VBSS" or "AppSharing";
        bool Above(string name, double limit) => Number(record, name) is { } v && v > limit;
        bool Below(string name, double limit) => Number(record, name) is { } v && v < limit;
        return Above("roundTripTimeAvg", 500) || Above("jitterAvg", 30) || Above("packetLossRateAvg", 0.1)
            || Above("jitterBufferSizeAvg", 200)
            || (media == "Audio" && Above("healedDataRatioAvg", 0.1))
            || (media == "Video" && (Below("videoFrameRateAvg", 7) || Below("recvResolutionHeight", 240) || Above("recvFreezeDurationPerMinuteInMs", 6000)))
            || (screen && (Below("videoFrameRateAvg", 1) || Below("recvResolutionHeight", 768) || Above("recvFreezeDurationPerMinuteInMs", 25000)));
    }

    private static JsonElement Properties(JsonElement record)
    {
        foreach (var property in record.EnumerateObject())
        {
            if (string.Equals(property.Name, "properties", StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return default;
    }
}
