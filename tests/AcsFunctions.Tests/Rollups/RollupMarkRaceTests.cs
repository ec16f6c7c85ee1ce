using System.Text.Json.Nodes;
using AcsFunctions.Queries;
using AcsFunctions.Storage;
using AcsFunctions.Tests.Infrastructure;
using static AcsFunctions.Tests.Rollups.RollupTestData;

namespace AcsFunctions.Tests.Rollups;

/// <summary>
/// docs/rollups.md, windowing and exactness: "a mark is cleared only if nothing re-marked it meanwhile (ETag)", and a roll-up that died holding
/// a mark's lease does not block it for ever. Both are made to happen at an exact point of a run, without sleeps: the
/// roll-up's table requests pass through <see cref="StorageFaults"/>, whose hooks ingest a record just before the
/// roll-up deletes a mark, or take storage away just after it claimed one; the lease expires on the fake clock.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class RollupMarkRaceTests(AzuriteFixture azurite, Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task RecordAddedWhileItsWindowIsRolledUp_MarkNotCleared_TheRunTakesItAgain_AggregateCountsIt()
    {
        await using var rollup = StorageFaults.Create(azurite.ConnectionString, out var faults);
        await using var ingest = SamePrefix(rollup);
        await ingest.Pipeline.IngestAsync([Body([Request(Start.AddSeconds(5), 10), Request(Start.AddSeconds(6), 20)])]);
        var added = 0;
        faults.BeforeSend = async request =>
        {
            // The roll-up recomputed the window from two records and is about to delete its mark: a third arrives.
            if (request.Method == HttpMethod.Delete && IsMark(request) && Interlocked.Exchange(ref added, 1) == 0)
            {
                await ingest.Pipeline.IngestAsync([Body([Request(Start.AddSeconds(7), 30)])]);
            }
        };

        var run = await RollupAsync(rollup);

        Assert.Equal(1, added);
        Assert.True(run.Retained >= 1, $"retained {run.Retained}: the re-marked window's mark must not be deleted");
        Assert.Equal(0, run.Failed);
        Assert.Equal(3L, await CountAsync(rollup)); // the run went round again and counted the third record
        Assert.Empty(await rollup.AllAsync(TableNames.RollupPending));
    }

    [Fact]
    public async Task RollupDiesHoldingALease_OthersSkipTheMarkUntilItExpires_ThenTakeItOver()
    {
        await using var rollup = StorageFaults.Create(azurite.ConnectionString, out var faults, new Dictionary<string, string?> { ["AcsFunctions:Rollup:LeaseDuration"] = "00:05:00" });
        await rollup.Pipeline.IngestAsync([Body([Request(Start.AddSeconds(5), 10), Request(Start.AddSeconds(6), 20)])]);
        faults.AfterSend = (request, response) =>
        {
            // The roll-up has just claimed the mark (a conditional update): from here on it cannot reach storage, as if
            // its host had died — the lease cannot be released.
            if (IsMark(request) && request.Method != HttpMethod.Get && request.Method != HttpMethod.Delete && request.Headers.NonValidated.Contains("If-Match") && response.IsSuccessStatusCode)
            {
                faults.FailAfter(0);
            }
        };

        var died = await Record.ExceptionAsync(() => AdvanceUntilDoneAsync(rollup, RollupAsync(rollup))); // the dead run (how it ends does not matter)
        output.WriteLine($"dead run: {died?.GetType().Name}: {died?.Message}; refused {faults.Failed}");
        faults.AfterSend = null;
        faults.Heal();
        var whileLeased = await RollupAsync(rollup);
        var stillLeased = await RunAtAsync(rollup, TimeSpan.FromMinutes(4));
        var countWhileLeased = await CountOrNullAsync(rollup);
        var afterExpiry = await RunAtAsync(rollup, TimeSpan.FromMinutes(2));

        Assert.True(faults.Failed > 0, "the first run should have lost storage after its claim");
        Assert.Equal((0, 1), (whileLeased.Processed, whileLeased.Skipped));
        Assert.Equal((0, 1), (stillLeased.Processed, stillLeased.Skipped));
        Assert.Null(countWhileLeased); // nobody rolled the window up while the lease held
        Assert.Equal((1, 1, 1), (afterExpiry.Windows, afterExpiry.Hours, afterExpiry.Days)); // the window, then its hour and day rows (#17)
        Assert.Equal(0, afterExpiry.Failed);
        Assert.Equal(2L, await CountAsync(rollup));
        Assert.Empty(await rollup.AllAsync(TableNames.RollupPending));
    }

    private static bool IsMark(HttpRequestMessage request) =>
        request.RequestUri!.AbsolutePath.Contains(TableNames.RollupPending + "(", StringComparison.Ordinal);

    private static TestStorage SamePrefix(TestStorage storage) =>
        TestStorage.Create(storage.Storage.Options.ConnectionString!, new Dictionary<string, string?> { ["AcsFunctions:Storage:TablePrefix"] = storage.Prefix });

    /// <summary>Moves the fake clock on by <paramref name="later"/> and runs the roll-up.</summary>
    private static Task<AcsFunctions.Rollups.RollupResult> RunAtAsync(TestStorage storage, TimeSpan later)
    {
        storage.Time.Advance(later);
        return RollupAsync(storage);
    }

    /// <summary>The writer's and the roll-up's backoff wait on the fake clock: move it on (in small steps) until the task ends.</summary>
    private static async Task AdvanceUntilDoneAsync(TestStorage storage, Task task)
    {
        var moved = TimeSpan.Zero;
        while (!task.IsCompleted && moved < TimeSpan.FromSeconds(30))
        {
            storage.Time.Advance(TimeSpan.FromMilliseconds(200));
            moved += TimeSpan.FromMilliseconds(200);
            await Task.WhenAny(task, Task.Delay(5, CancellationToken.None));
        }

        await task;
    }

    private static async Task<long> CountAsync(TestStorage storage) =>
        await CountOrNullAsync(storage) ?? throw new Xunit.Sdk.XunitException("no api-requests aggregate for the window");

    private static async Task<long?> CountOrNullAsync(TestStorage storage)
    {
        var result = await QueryAsync(storage, QueryKinds.ApiRequests, Start, Start.AddMinutes(1));
        var rows = JsonNode.Parse(result.Json)!.AsArray();
        return rows.Count == 0 ? null : rows.Sum(r => r!["count"]!.GetValue<long>());
    }
}
