using System.Globalization;
using System.Text.Json;
using AcsFunctions.Decoding;
using AcsFunctions.Dispatch;
using AcsFunctions.Records;
using AcsFunctions.Schemas.Calls;

namespace AcsFunctions.Tests.Schemas.Calls;

/// <summary>The handler's per-stream verdict equals <see cref="QualityThresholds.PoorReasons"/> on the same metrics.</summary>
public sealed class StreamVerdictTests
{
    [Fact]
    public void PoorAndPoorReasons_AgreeWithTheThresholdRules_ForRandomStreamsOfEveryMediaType()
    {
        var random = new Random(18);
        var handler = new CallDiagnosticsHandler();
        foreach (var mediaType in (string[])["Audio", "Video", "VBSS", "AppSharing", "data", ""])
        {
            for (var i = 0; i < 300; i++)
            {
                var metrics = new Dictionary<string, double>();
                var properties = new Dictionary<string, object?> { ["mediaType"] = mediaType, ["participantId"] = "p", ["streamId"] = "1" };
                foreach (var metric in CallDiagnosticsHandler.Metrics)
                {
                    if (random.Next(3) > 0)
                    {
                        // Around each kind of limit (0.1, 7, 30, 200, 240, 500, 768, 6000, 25000), as numbers and as text.
                        var value = Math.Round(random.NextDouble() * Math.Pow(10, random.Next(-2, 5)) * 3, 3);
                        metrics[metric] = value;
                        properties[metric] = random.Next(2) == 0 ? value : value.ToString(CultureInfo.InvariantCulture);
                    }
                }

                var json = JsonSerializer.Serialize(new Dictionary<string, object?>
                {
                    ["category"] = "CallDiagnostics", ["correlationId"] = "c", ["properties"] = properties,
                });
                using var document = JsonDocument.Parse(json);
                using var record = new DiagnosticRecord(document.RootElement);
                var outcome = handler.Handle(new RecordContext
                {
                    Record = record, Category = Categories.CallDiagnostics, RawCategory = Categories.CallDiagnostics,
                    Time = DateTimeOffset.UnixEpoch, Resource = ResourceRef.Unknown, Lineage = Lineage.None, RecordId = "r",
                });

                var expected = QualityThresholds.PoorReasons(MediaTypes.Normalize(mediaType), m => metrics.TryGetValue(m, out var v) ? v : null);
                var columns = outcome.Record!.Columns;
                Assert.Equal(expected.Count > 0, columns.Get("Poor"));
                Assert.Equal(expected.Count > 0 ? string.Join(", ", expected) : null, columns.Get("PoorReasons"));
            }
        }
    }
}
