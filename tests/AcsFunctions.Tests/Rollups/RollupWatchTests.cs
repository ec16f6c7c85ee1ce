using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using AcsFunctions.Cli.Commands;
using AcsFunctions.Queries;
using AcsFunctions.Rollups;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static AcsFunctions.Tests.Rollups.RollupTestData;

namespace AcsFunctions.Tests.Rollups;

/// <summary><c>acs-diag rollup --watch</c> against Azurite: the loop on a fake clock, and the real process stopped with Ctrl+C (SIGINT).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RollupWatchTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset SampleDay = new(2024, 1, 9, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Watch_RollsUpWhatArrived_AtTheNextInterval_AndStopsCleanlyWhenCancelled()
    {
        var expected = await OneShotAsync();
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var time = new TimerCountingTime(storage.Time);
        var reports = Channel.CreateUnbounded<RollupResult>();
        using var stop = new CancellationTokenSource();

        var watch = RollupWatch.RunAsync(storage.Services.GetRequiredService<RollupService>().RunAsync, r => reports.Writer.TryWrite(r), Unexpected, Interval, time, stop.Token);

        // The first run is immediate and finds nothing; then the watch waits on the clock.
        Assert.Equal(0, (await NextAsync(reports)).Processed);
        await UntilAsync(() => time.Timers == 1);
        await storage.Pipeline.IngestAsync([Samples.Body("api-requests.json")]);
        storage.Time.Advance(Interval - TimeSpan.FromSeconds(1));
        await Task.Delay(300);
        Assert.False(reports.Reader.TryPeek(out _), "no run before the interval has passed");
        Assert.Equal("[]", (await DailyApiRequestsAsync(storage)).Json);

        // At the interval the next run rolls up exactly what a one-shot roll-up does.
        storage.Time.Advance(TimeSpan.FromSeconds(1));
        var second = await NextAsync(reports);
        Assert.True(second.Processed > 0);
        Assert.Equal(0, second.Failed);
        Assert.Equal(expected, (await DailyApiRequestsAsync(storage)).Json);

        // Cancelled during the pause: it ends at once, without an exception and without another run.
        await UntilAsync(() => time.Timers == 2);
        await stop.CancelAsync();
        Assert.Equal(2, await watch.WaitAsync(Patience));
        Assert.False(reports.Reader.TryPeek(out _));
    }

    [Fact]
    public async Task Watch_StorageDown_IsReportedAndWatchingGoesOn_TheNextRunCatchesUp()
    {
        var expected = await OneShotAsync();
        await using var down = TestStorage.Create(UnreachableStorage.ConnectionString(azurite.ConnectionString));
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await storage.Pipeline.IngestAsync([Samples.Body("api-requests.json")]);
        var time = new TimerCountingTime(storage.Time);
        var reports = Channel.CreateUnbounded<RollupResult>();
        var outages = Channel.CreateUnbounded<StorageUnavailableException>();
        var calls = 0;
        using var stop = new CancellationTokenSource();

        // The first run meets the outage (the same roll-up over a table endpoint that does not answer), the next one storage that is back.
        var watch = RollupWatch.RunAsync(
            ct => (Interlocked.Increment(ref calls) == 1 ? down : storage).Services.GetRequiredService<RollupService>().RunAsync(ct),
            r => reports.Writer.TryWrite(r),
            ex => outages.Writer.TryWrite(ex),
            Interval,
            time,
            stop.Token);

        Assert.Contains("Table storage is unavailable for the roll-up", (await NextAsync(outages)).Message, StringComparison.Ordinal);
        Assert.False(watch.IsCompleted);
        await UntilAsync(() => time.Timers == 1);
        storage.Time.Advance(Interval);
        Assert.True((await NextAsync(reports)).Processed > 0);
        Assert.Equal(expected, (await DailyApiRequestsAsync(storage)).Json);

        await UntilAsync(() => time.Timers == 2);
        await stop.CancelAsync();
        Assert.Equal(1, await watch.WaitAsync(Patience));
    }

    [Fact]
    public async Task Watch_CancelledBeforeItStarts_RunsNothing()
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        var runs = 0;

        var completed = await RollupWatch.RunAsync(
            ct =>
            {
                runs++;
                return storage.Services.GetRequiredService<RollupService>().RunAsync(ct);
            },
            _ => { },
            Unexpected,
            Interval,
            storage.Time,
            new CancellationToken(canceled: true));

        Assert.Equal((0, 0), (completed, runs));
    }

    // The watch loop itself is covered by the tests above on every OS.
    [UnixOnlyFact("Ctrl+C is sent to the child as SIGINT with kill(1), which exists only on Linux and macOS")]
    public async Task Cli_Watch_PrintsOneJsonLinePerRun_RollsUpNewRecords_AndExitsZeroOnCtrlC()
    {
        var expected = await OneShotAsync();
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        using var process = CliProcess.Start(["rollup", "--watch", "--interval", "1", "--json", "--storage", azurite.ConnectionString], new Dictionary<string, string?>
        {
            ["AcsFunctions__Storage__TablePrefix"] = storage.Prefix,
            ["AcsFunctions__Storage__PayloadContainer"] = storage.Prefix.ToLowerInvariant(),
        });
        var lines = Channel.CreateUnbounded<string>();
        var output = PumpAsync(process.StandardOutput, lines.Writer);
        var error = process.StandardError.ReadToEndAsync();

        var first = Run(await NextAsync(lines));
        Assert.Equal(0, first.GetProperty("processed").GetInt32());
        await storage.Pipeline.IngestAsync([Samples.Body("api-requests.json")]);
        JsonElement run;
        do
        {
            run = Run(await NextAsync(lines));
        }
        while (run.GetProperty("processed").GetInt32() == 0);
        Assert.Equal(0, run.GetProperty("failed").GetInt32());
        Assert.Equal(expected, (await DailyApiRequestsAsync(storage)).Json);

        using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var limit = new CancellationTokenSource(Patience);
        await process.WaitForExitAsync(limit.Token);
        await output;
        Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}: {await error}");
        Assert.DoesNotContain("Unhandled", await error, StringComparison.Ordinal);
        while (lines.Reader.TryRead(out var rest))
        {
            Run(rest); // every line printed until the end is one whole run
        }
    }

    /// <summary>The daily api-requests JSON of the sample after one plain roll-up (in its own tables).</summary>
    private async Task<string> OneShotAsync()
    {
        await using var reference = TestStorage.Create(azurite.ConnectionString);
        await reference.Pipeline.IngestAsync([Samples.Body("api-requests.json")]);
        await RollupAsync(reference);
        var json = (await DailyApiRequestsAsync(reference)).Json;
        Assert.NotEqual("[]", json);
        return json;
    }

    private static Task<QueryResult> DailyApiRequestsAsync(TestStorage storage) => QueryAsync(storage, QueryKinds.ApiRequests, SampleDay, SampleDay.AddDays(2), "P1D");

    private static void Unexpected(StorageUnavailableException ex) => Assert.Fail($"storage reported unavailable: {ex.Message}");

    private static JsonElement Run(string line)
    {
        using var doc = JsonDocument.Parse(line);
        Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
        Assert.True(doc.RootElement.TryGetProperty("runId", out _), line);
        return doc.RootElement.Clone();
    }

    private static async Task<T> NextAsync<T>(Channel<T> channel)
    {
        using var limit = new CancellationTokenSource(Patience);
        return await channel.Reader.ReadAsync(limit.Token);
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        var limit = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(limit.Elapsed < Patience, "timed out waiting for the watch");
            await Task.Delay(10);
        }
    }

    private static async Task PumpAsync(StreamReader reader, ChannelWriter<string> lines)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length > 0)
            {
                lines.TryWrite(line);
            }
        }

        lines.Complete();
    }

    /// <summary>The fake clock, counting the timers created on it (a watch's pause is one timer), so the test advances only once the watch waits.</summary>
    private sealed class TimerCountingTime(FakeTimeProvider inner) : TimeProvider
    {
        private int _timers;

        public int Timers => Volatile.Read(ref _timers);

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override long GetTimestamp() => inner.GetTimestamp();

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _timers);
            return inner.CreateTimer(callback, state, dueTime, period);
        }
    }
}
