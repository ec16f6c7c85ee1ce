using System.Security.Cryptography;
using System.Text.Json;
using AcsFunctions.Dispatch;
using AcsFunctions.Generation;
using static AcsFunctions.Tests.Generation.GeneratedRecords;

namespace AcsFunctions.Tests.Generation;

public sealed class SyntheticStreamTests
{
    private static readonly GeneratorOptions _small = new() { Calls = 60, ApiRequests = 3_000, Minutes = 12, Seed = 42 };

    [Fact]
    public void Bodies_SameSeedTwice_SameBytes()
    {
        var options = _small with { Duplicates = 0.1, Late = 0.05, Malformed = 0.1 };

        var first = Hash(SyntheticStream.Create(options).Bodies());
        var second = Hash(SyntheticStream.Create(options).Bodies());
        var otherSeed = Hash(SyntheticStream.Create(options with { Seed = 43 }).Bodies());

        Assert.Equal(first, second);
        Assert.NotEqual(first, otherSeed);
    }

    [Fact]
    public void Bodies_StartDerivedFromSeedNotClock_EveryTimeInsideTheRun()
    {
        var stream = SyntheticStream.Create(_small with { Updates = 0 });
        var records = Parse(stream.Bodies());
        var start = _small.EffectiveStart;

        var times = records.Select(r => DateTimeOffset.Parse(Field(r, "time")!, System.Globalization.CultureInfo.InvariantCulture)).ToList();

        Assert.InRange(times.Min(), start, start.AddMinutes(1));
        Assert.All(times, t => Assert.True(t >= start && t < start.AddHours(2), $"{t:O} is outside the run starting {start:O}"));
        Assert.Equal(start, new GeneratorOptions { Seed = 42 }.EffectiveStart);
        Assert.NotEqual(start, new GeneratorOptions { Seed = 41 }.EffectiveStart);
    }

    [Fact]
    public void Bodies_OneToOneHundredRecordsUnderOneMegabyte_AllValidJson()
    {
        var stream = SyntheticStream.Create(_small);

        var bodies = stream.Bodies().ToList();

        Assert.All(bodies, b =>
        {
            Assert.True(b.Data.Length <= 1_000_000);
            using var document = JsonDocument.Parse(b.Data);
            var count = document.RootElement.GetProperty("records").GetArrayLength();
            Assert.InRange(count, 1, 100);
            Assert.Equal(count, b.Units);
        });
        Assert.Contains(bodies, b => b.Units == 100 || b.Units > 90);
        Assert.Contains(bodies, b => b.Units < 6);
        Assert.True(bodies.Select(b => Parse([b]).Select(Category).Distinct().Count()).Max() >= 5, "bodies mix categories");
        Assert.Equal(stream.Summary.Units, bodies.Sum(b => (long)b.Units));
        Assert.Equal(0, stream.Summary.DeadLetterUnits);
    }

    [Fact]
    public void Calls_FollowTheLogCardinality()
    {
        var records = Parse(SyntheticStream.Create(_small with { Calls = 300, ApiRequests = 0, Emails = 0, Updates = 0 }).Bodies());
        var calls = records.Where(r => IsSummary(r) || IsDiagnostics(r)).GroupBy(r => Field(r, "correlationId")!).ToList();

        Assert.Equal(300, calls.Count);
        var rejoins = 0;
        foreach (var call in calls)
        {
            var summaries = call.Where(IsSummary).ToList();
            var diagnostics = call.Where(IsDiagnostics).ToList();
            if (Field(summaries[0], "callType") == "P2P")
            {
                // P2P: a summary per endpoint, no participant ids, one diagnostics record per outbound stream.
                Assert.Equal(2, summaries.Count);
                Assert.All(call, r => Assert.Null(Field(r, "participantId")));
                Assert.All(diagnostics, d => Assert.NotEqual("Server", Field(d, "endpointType")));
                Assert.All(diagnostics, d => Assert.Contains(Field(d, "endpointId"), summaries.Select(s => Field(s, "endpointId"))));
                Assert.Equal(diagnostics.Count, diagnostics.Select(d => (Field(d, "endpointId"), Field(d, "mediaType"))).Distinct().Count());
            }
            else
            {
                // Group: a summary per participant; each sent medium has an outbound record and the server's inbound one.
                Assert.All(summaries, s => Assert.NotNull(Field(s, "participantId")));
                Assert.Equal(summaries.Count, summaries.Select(s => Field(s, "participantId")).Distinct().Count());
                foreach (var summary in summaries)
                {
                    var mine = diagnostics.Where(d => Field(d, "participantId") == Field(summary, "participantId")).ToList();
                    var outbound = mine.Where(d => Field(d, "endpointType") != "Server").Select(d => Field(d, "mediaType")).Order().ToList();
                    var inbound = mine.Where(d => Field(d, "endpointType") == "Server").Select(d => Field(d, "mediaType")).Order().ToList();
                    Assert.Contains("Audio", outbound);
                    Assert.Equal(outbound, inbound);
                    Assert.All(mine.Where(d => Field(d, "endpointType") == "Server"), d => Assert.Null(Field(d, "endpointId")));
                }

                rejoins += summaries.GroupBy(s => Field(s, "endpointId")).Count(g => g.Count() > 1);
            }

            Assert.Equal(diagnostics.Count, diagnostics.Select(d => Field(d, "streamId")).Distinct().Count());
        }

        Assert.True(rejoins > 0, "some participant rejoins (new participant id, same endpoint id)");
        var summaryRecords = records.Where(IsSummary).ToList();
        Assert.Contains(summaryRecords, s => Field(s, "endpointType") == "PSTN");
        Assert.Contains(summaryRecords, s => Field(s, "endpointType") == "Bot");
        Assert.Contains(summaryRecords, s => Field(s, "sdkVersion") == "Redacted" && Field(s, "osVersion") == "Redacted");
        Assert.Contains(summaryRecords, s => Field(s, "resultCategory") == "UnexpectedClientError");
        Assert.Contains(summaryRecords, s => Field(s, "participantEndSubCode") == "560000");
    }

    [Fact]
    public void Calls_EverySummaryOfACallDeadLettered_StillCounted_TypesAddUpToTheCalls()
    {
        // The operator's run: both summaries of one P2P call sat in a body --malformed replaced whole
        // (unsupported-shape), its two diagnostics records were stored. The roll-up shows that call (no type, no
        // participants), so the ground truth counts it too: 50 calls, not 49.
        var stream = SyntheticStream.Create(new GeneratorOptions { Calls = 50, ApiRequests = 500, Minutes = 10, Seed = 5, Malformed = 0.1 });
        _ = stream.Bodies().Count();
        var summary = stream.Summary;

        Assert.Equal(50, summary.Calls);
        Assert.Equal(1, summary.Fact("calls:no-summary"));
        Assert.Equal(summary.Calls, summary.Fact("calls:P2P") + summary.Fact("calls:Group") + summary.Fact("calls:no-summary"));
    }

    [Fact]
    public void Calls_CleanStream_EveryCallHasASummary()
    {
        var stream = SyntheticStream.Create(_small);
        _ = stream.Bodies().Count();

        Assert.Equal(_small.Calls, stream.Summary.Calls);
        Assert.Equal(0, stream.Summary.Fact("calls:no-summary"));
        Assert.Equal(_small.Calls, stream.Summary.Fact("calls:P2P") + stream.Summary.Fact("calls:Group"));
    }

    [Fact]
    public void Calls_PoorStreamsMatchTheThresholds_AndTheShareIsConfigurable()
    {
        foreach (var share in new[] { 0.0, 0.1, 0.5 })
        {
            var stream = SyntheticStream.Create(_small with { Calls = 200, ApiRequests = 0, Emails = 0, Poor = share });
            var latest = Parse(stream.Bodies()).Where(IsDiagnostics)
                .GroupBy(CallKey)
                .Select(g => g.MaxBy(Version))
                .ToList();

            var poor = latest.Count(IsPoor);

            Assert.Equal(stream.Summary.Streams, latest.Count);
            Assert.Equal(stream.Summary.PoorStreams, poor);
            Assert.InRange(poor, share * latest.Count * 0.7 - 1, (share * latest.Count * 1.3) + 1);
        }
    }

    [Fact]
    public void Calls_PoorStreamsCoverEveryThreshold()
    {
        var stream = SyntheticStream.Create(_small with { Calls = 400, ApiRequests = 0, Emails = 0, Poor = 0.3 });
        Assert.NotEmpty(stream.Bodies().ToList());

        Assert.Equal(
            ["frame rate", "freeze duration", "healed data ratio", "jitter", "jitter buffer", "packet loss", "resolution", "round-trip time"],
            stream.Summary.PoorStreamsByReason.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Calls_UpdatesCategories_CarryIncreasingVersionsArrivingLater()
    {
        var records = Parse(SyntheticStream.Create(_small with { Calls = 80, ApiRequests = 0, Emails = 0, Updates = 1 }).Bodies())
            .Where(r => IsSummary(r) || IsDiagnostics(r))
            .ToList();

        Assert.All(records, r => Assert.EndsWith("Updates", Category(r)));
        Assert.All(records, r => Assert.InRange(Version(r), 1, 3));
        var multi = records.GroupBy(CallKey).Where(g => g.Count() > 1).ToList();
        Assert.NotEmpty(multi);
        foreach (var versions in multi)
        {
            var ordered = versions.OrderBy(Version).Select(r => DateTimeOffset.Parse(Field(r, "time")!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(ordered.Order(), ordered);
            Assert.Equal(versions.Count(), versions.Select(Version).Distinct().Count());
        }
    }

    [Fact]
    public void ApiTraffic_EveryCategoryWithRealOperationsAndAStatusMix()
    {
        var stream = SyntheticStream.Create(_small with { Calls = 0, ApiRequests = 20_000, Minutes = 30 });
        var records = Parse(stream.Bodies());
        var api = records.Where(r => Categories.ApiRequestFamily.Contains(Category(r))).ToList();

        Assert.Equal(Categories.ApiRequestFamily.Order(), api.Select(Category).Distinct().Order());
        var statuses = api.Select(r => int.Parse(Field(r, "resultSignature")!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Contains(statuses, s => s is >= 200 and < 300);
        Assert.Contains(statuses, s => s is >= 400 and < 429 or > 429 and < 500);
        Assert.Contains(429, statuses);
        Assert.Contains(statuses, s => s >= 500);
        Assert.InRange(statuses.Count(s => s >= 200 && s < 300) / (double)statuses.Count, 0.85, 0.97);
        Assert.Contains(api, r => Field(r, "operationName") == "SendChatMessage");
        Assert.Contains(api, r => Field(r, "operationName") == "CreateRoom");
        Assert.Contains(api, r => Field(r, "operationName") == "UpsertJob");
        Assert.Contains(api, r => Field(r, "operationName") == "IssueRelayConfiguration");

        // Latency is log-normal: a long right tail above a tight median.
        var chat = api.Where(r => Field(r, "operationName") == "SendChatMessage" && Field(r, "resultSignature") == "201")
            .Select(r => Number(r, "durationMs")!.Value).Order().ToList();
        var median = chat[chat.Count / 2];
        Assert.InRange(median, 35, 65);
        Assert.True(chat[(int)(chat.Count * 0.99)] > 2.5 * median);

        Assert.Equal(stream.Summary.Fact("status:2xx") + stream.Summary.Fact("status:4xx") + stream.Summary.Fact("status:429") + stream.Summary.Fact("status:5xx"),
            api.Count(r => Field(r, "operationName") is not ("SMSDeliveryReportsReceived" or "SMSMessagesReceived")));
    }

    [Fact]
    public void SmsAndEmail_SendsDeliveriesBouncesBlockedAndEngagement()
    {
        var stream = SyntheticStream.Create(_small with { Calls = 0, ApiRequests = 20_000, Emails = 2_000, Minutes = 20 });
        var records = Parse(stream.Bodies());

        var reports = records.Where(r => Field(r, "operationName") == "SMSDeliveryReportsReceived").ToList();
        var sends = records.Where(r => Field(r, "operationName") == "SMSMessagesSent").Select(r => Field(r, "messageId")).ToHashSet();
        Assert.All(reports, r => Assert.Contains(Field(r, "messageId"), sends));
        Assert.Contains(reports, r => Field(r, "resultDescription")?.StartsWith("ErrorCode: 4005.", StringComparison.Ordinal) == true);
        Assert.Contains(reports, r => Field(r, "resultDescription")?.StartsWith("ErrorCode: 4010.", StringComparison.Ordinal) == true);
        Assert.Equal(stream.Summary.Fact("sms:Blocked"), reports.Count(r => Field(r, "resultDescription") is { } d && (d.Contains("4005", StringComparison.Ordinal) || d.Contains("4010", StringComparison.Ordinal))));

        var statuses = records.Where(r => Category(r) == Categories.EmailStatusUpdateOperational).ToList();
        var messages = records.Where(r => Category(r) == Categories.EmailSendMailOperational).Select(r => Field(r, "correlationId")).ToHashSet();
        Assert.Equal(2_000, messages.Count);
        Assert.All(statuses, s => Assert.Contains(Field(s, "correlationId"), messages));
        Assert.Contains(statuses, s => Field(s, "deliveryStatus") == "Failed" && Field(s, "isHardBounce") == "true");
        Assert.Contains(statuses, s => Field(s, "deliveryStatus") == "OutForDelivery");
        foreach (var status in new[] { "Delivered", "Bounced", "Suppressed", "Quarantined", "FilteredSpam" })
        {
            Assert.Contains(statuses, s => Field(s, "deliveryStatus") == status);
        }

        var engagement = records.Where(r => Category(r) == Categories.EmailUserEngagementOperational).ToList();
        Assert.Contains(engagement, e => Field(e, "engagementType") == "View");
        Assert.Contains(engagement, e => Field(e, "engagementType") == "Click");
        Assert.Equal(stream.Summary.Fact("email:Click"), engagement.Count(e => Field(e, "engagementType") == "Click"));
    }

    [Fact]
    public void Records_ShowTheFieldTypeVariationsOfRealStreams()
    {
        var bodies = SyntheticStream.Create(_small).Bodies().ToList();
        var text = string.Concat(bodies.Select(b => System.Text.Encoding.UTF8.GetString(b.Data)));

        Assert.Contains("\"participantId\":\"null\"", text, StringComparison.Ordinal);
        Assert.Matches("\"roundTripTimeAvg\":\"[0-9]+\"", text);
        Assert.Matches("\"roundTripTimeAvg\":[0-9]+", text);
        Assert.Matches("\"durationMs\":\"[0-9]+\"", text);
        Assert.Matches("\"resultSignature\":[0-9]{3}", text);
        Assert.Matches("\"resultSignature\":\"[0-9]{3}\"", text);
        Assert.Contains("\"URI\":", text, StringComparison.Ordinal);
        Assert.Contains("\"uri\":", text, StringComparison.Ordinal);
        Assert.Contains("\"resourceid\":", text, StringComparison.Ordinal);
        Assert.Contains("\"resourceId\":\"SUBSCRIPTIONS/", text, StringComparison.Ordinal);
        Assert.Contains("\"callupdatesversion\":", text, StringComparison.Ordinal);
        Assert.Contains("\"sdkVersion\":\"Redacted\"", text, StringComparison.Ordinal);
        Assert.Matches("\"time\":\"[0-9T:-]+\\.[0-9]{7}Z\"", text);
        Assert.Matches("\"time\":\"[0-9T:-]+\\.[0-9]{3}Z\"", text);
        Assert.Matches("\"time\":\"[0-9T:-]+Z\"", text);
    }

    [Fact]
    public void Malformed_EveryDamagedUnitIsAccountedFor()
    {
        var stream = SyntheticStream.Create(_small with { Malformed = 0.3, Duplicates = 0.2, Late = 0.1 });
        var bodies = stream.Bodies().ToList();
        var summary = stream.Summary;

        Assert.True(summary.MalformedBodies > 10);
        Assert.True(summary.DuplicateBodies > 10);
        Assert.True(summary.LateBodies > 0);
        Assert.True(summary.LateRecords > 0);
        Assert.Equal(summary.Units, bodies.Sum(b => (long)b.Units));
        Assert.Equal(summary.DeadLetterUnits, bodies.Sum(b => (long)b.DeadLetterUnits));
        Assert.Equal(summary.Bodies, bodies.Count);
        Assert.Equal(summary.DuplicateBodies, bodies.Count(b => b.Duplicate));
        foreach (var duplicate in bodies.Where(b => b.Duplicate))
        {
            Assert.Contains(bodies, b => !b.Duplicate && b.Sequence == duplicate.Sequence && b.Data.AsSpan().SequenceEqual(duplicate.Data));
        }

        Assert.Equal(
            ["invalid-json", "invalid-time", "invalid-utf8", "missing-category", "not-an-object", "records-not-array", "time-out-of-range", "unsupported-shape"],
            summary.DeadLettersByReason.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Writers_DirectoryAndNdjson_HoldTheSameBodies()
    {
        var directory = Path.Combine(Path.GetTempPath(), "acs-gen-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = _small with { Malformed = 0.1 };
            await SyntheticStreamWriter.WriteDirectoryAsync(SyntheticStream.Create(options), directory);
            using var ndjson = new MemoryStream();
            await SyntheticStreamWriter.WriteNdjsonAsync(SyntheticStream.Create(options), ndjson);

            var files = Directory.GetFiles(directory, SyntheticStreamWriter.FilePattern).Order(StringComparer.Ordinal).ToList();
            var fromFiles = files.SelectMany(f => File.ReadAllBytes(f).Append((byte)'\n')).ToArray();

            Assert.Equal(SyntheticStream.Create(options).Bodies().Count(), files.Count);
            Assert.Equal(fromFiles, ndjson.ToArray());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Create_InvalidOptions_Throws()
    {
        Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() => SyntheticStream.Create(new GeneratorOptions { Late = 1.5 }));
        Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() => SyntheticStream.Create(new GeneratorOptions { Minutes = 0 }));
    }

    private static string Hash(IEnumerable<GeneratedBody> bodies)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var body in bodies)
        {
            sha.AppendData(body.Data);
            sha.AppendData("\n"u8);
        }

        return Convert.ToHexString(sha.GetHashAndReset());
    }
}
