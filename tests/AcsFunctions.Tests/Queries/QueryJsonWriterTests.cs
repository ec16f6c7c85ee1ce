using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using AcsFunctions.Functions;
using AcsFunctions.Generation;
using AcsFunctions.Queries;
using AcsFunctions.Reconcile;
using AcsFunctions.Tests.Infrastructure;
using AcsFunctions.Tests.Reconcile;
using AcsFunctions.Tests.Reliability;
using Microsoft.Extensions.DependencyInjection;
using static AcsFunctions.Tests.Rollups.RollupTestData;

namespace AcsFunctions.Tests.Queries;

/// <summary>
/// The answer's JSON is written once, as UTF-8, from the rows into the destination (issue 17, P5): the document is
/// exactly the one the serializer produced as a string before — indented for the CLI, the same tokens compact on the
/// wire — for every kind, view and interval, rows flagged incomplete included; and writing a long answer allocates no
/// JSON string and no buffer of the whole answer.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class QueryJsonWriterTests(AzuriteFixture azurite)
{
    private static readonly GeneratorOptions _stream = new()
    {
        Calls = 10, ApiRequests = 500, Emails = 40, Minutes = 6 * 60, Seed = 23, Start = new DateTimeOffset(2026, 11, 23, 4, 0, 0, TimeSpan.Zero),
        Duplicates = 0.1, Late = 0.15, Updates = 0.5, Malformed = 0.03,
    };

    private const string ReconciledResource = "/subscriptions/00000000-0000-0000-0000-000000000002/resourceGroups/rg-comms/providers/Microsoft.Communication/CommunicationServices/acs-json";

    /// <summary>The serializer options of the query JSON before it was written as UTF-8: times formatted as strings.</summary>
    private static readonly JsonSerializerOptions _before = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new StringTimeConverter() },
    };

    [Fact]
    public async Task WrittenAnswer_IsExactlyTheSerializedDocument_EveryKindViewAndInterval_IndentedAndCompact()
    {
        await using var server = await FakeMetricsServer.StartAsync(); // the platform's counts, for reconciliation rows
        await using var storage = TestStorage.Create(
            azurite.ConnectionString,
            new Dictionary<string, string?> { ["AcsFunctions:Reconcile:Resources:0"] = ReconciledResource, ["AcsFunctions:Reconcile:LookbackHours"] = "3" },
            services =>
            {
                services.AddSingleton(server.Credential);
                services.AddSingleton(server.ClientOptions());
            });
        var generated = SyntheticStream.Create(_stream).Bodies().ToList();
        string[] samples = ["api-requests.json", "group-call.json", "p2p-call.json", "email.json", "usage.json", "call-client.json"];
        await ReliabilityStream.IngestAsync(storage, [.. generated.Where(b => !b.Late).Select(b => b.ToEventBody()), .. samples.Select(Samples.Body)]);
        await RollupAsync(storage);
        await ReliabilityStream.IngestAsync(storage, [.. generated.Where(b => b.Late).Select(b => b.ToEventBody())]); // pending: rows flagged incomplete
        foreach (var minute in new[] { 5, 70, 130 })
        {
            server.Points.Add(new PlatformMetricPoint("APIRequestChat", "SendChatMessage", "201", new DateTimeOffset(2026, 11, 23, 8, minute % 60, 0, TimeSpan.Zero).AddHours(minute / 60), minute));
        }

        await storage.Services.GetRequiredService<ReconcileJob>().RunAsync();
        var queries = storage.Services.GetRequiredService<QueryService>();
        var endpoint = storage.Services.GetRequiredService<QueryEndpoint>();
        (string From, string To)[] ranges = [("2026-11-23", "2026-11-24"), ("2021-07-01", "2021-07-31"), ("2024-01-01", "2024-01-31")];

        var nonEmpty = new HashSet<string>(StringComparer.Ordinal);
        var (answers, rows, incomplete) = (0, 0, 0);
        foreach (var kind in queries.Kinds)
        {
            var filters = queries.Kind<IQueryKind>(kind).Filters;
            string?[] intervals = filters.HasFlag(QueryFilters.Interval) ? [null, "PT1H", "P1D"] : [null];
            IReadOnlyList<string?> views = queries.ViewsOf(kind) is { Count: > 0 } named ? [.. named] : [null];
            foreach (var (from, to) in ranges)
            {
                foreach (var interval in intervals)
                {
                    foreach (var view in views)
                    {
                        var values = new Dictionary<string, string?> { ["from"] = from, ["to"] = to, ["interval"] = interval, ["view"] = view };
                        var what = $"{kind}/{view} {interval} {from}–{to}";
                        var result = await queries.QueryAsync(kind, values);
                        var before = JsonSerializer.Serialize(result.Rows, _before);

                        using var indented = new MemoryStream();
                        await result.WriteJsonAsync(indented, indented: true);
                        Assert.True(before == Encoding.UTF8.GetString(indented.ToArray()), $"{what}: the indented answer differs from the serialized document:\n{JsonText.Clip(Encoding.UTF8.GetString(indented.ToArray()))}\n---\n{JsonText.Clip(before)}");
                        Assert.Equal(before, result.Json);

                        // The HTTP API's path: the endpoint's answer written to a response stream.
                        var answer = await endpoint.HandleAsync(kind, values);
                        using var body = new MemoryStream();
                        await answer.WriteBodyAsync(body);
                        Assert.Equal((200, QueryEndpoint.JsonContentType), (answer.StatusCode, answer.ContentType));
                        Assert.True(JsonText.Compact(before) == Encoding.UTF8.GetString(body.ToArray()), $"{what}: the compact answer differs from the serialized document:\n{JsonText.Clip(Encoding.UTF8.GetString(body.ToArray()))}\n---\n{JsonText.Clip(before)}");
                        Assert.Equal(Encoding.UTF8.GetString(body.ToArray()), answer.Body);

                        answers++;
                        rows += result.Rows.Count;
                        incomplete += result.Rows.Count(r => r is QueryRow { Incomplete: true });
                        if (result.Rows.Count > 0)
                        {
                            nonEmpty.Add(kind);
                        }
                    }
                }
            }
        }

        Assert.Equal([.. queries.Kinds], nonEmpty.Order(StringComparer.Ordinal));
        Assert.True(rows > 500 && incomplete > 0, $"{answers} answers, {rows} rows, {incomplete} incomplete");
    }

    [Fact]
    public async Task WritingALongAnswer_AllocatesNoStringOrBufferOfTheWholeAnswer()
    {
        var start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var rows = Enumerable.Range(0, 1_300).Select(i => (object)new ApiRequestRow
        {
            WindowStart = start.AddHours(i / 8), ResourceId = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Communication/CommunicationServices/acs-" + (i % 3),
            ResourceName = "acs-" + (i % 3), Category = "ACSSMSIncomingOperations", Operation = "SMSMessagesSent", StatusCode = "202", StatusClass = "2xx",
            Count = i, Failed = i % 7, DurationMsMin = 1.5, DurationMsAvg = i / 3.0, DurationMsP50 = 12.25, DurationMsP95 = 99.125, DurationMsP99 = null, DurationMsMax = 300.1,
            Incomplete = i % 100 == 0 ? true : null,
        }).ToList();
        var result = new QueryResult(new QueryParameters { Kind = QueryKinds.ApiRequests, From = start, To = start.AddDays(7), Interval = QueryInterval.OneHour }, rows);
        var counter = new CountingStream();
        await result.WriteJsonAsync(counter, indented: false); // warm: the serializer's metadata and the pool's buffer

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        await result.WriteJsonAsync(counter, indented: false);
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

        Assert.True(counter.Written > 2 * 300_000, $"{counter.Written} bytes");
        Assert.True(allocated < 85_000, $"writing a {counter.Written / 2:N0}-byte answer allocated {allocated:N0} bytes (a large object is ≥ 85,000)");
    }

    /// <summary>The time converter of the query JSON before: the text form, as a string.</summary>
    private sealed class StringTimeConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
    }

    /// <summary>A stream that only counts what it is given (the answer is not kept).</summary>
    private sealed class CountingStream : Stream
    {
        public long Written { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Written;

        public override long Position { get => Written; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Written += count;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Written += buffer.Length;
            return ValueTask.CompletedTask;
        }
    }
}
