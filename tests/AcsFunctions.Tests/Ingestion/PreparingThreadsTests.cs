using AcsFunctions.Ingestion;

namespace AcsFunctions.Tests.Ingestion;

/// <summary>
/// A stream prepares its groups on long-lived preparing threads (not thread-pool threads, whose continuations the writes
/// need; not a new thread per group, which rebuilt the record path's per-thread tables every group): results, failures
/// and cancellation reach the caller as from a task, and concurrent streams never wait for each other's thread.
/// </summary>
public sealed class PreparingThreadsTests
{
    [Fact]
    public async Task Work_RunsOnALongLivedBackgroundThread_NotAPoolThread_AndReturnsItsResult()
    {
        var (name, pool, background) = await PreparingThreads.RunAsync(
            () => (Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread, Thread.CurrentThread.IsBackground), CancellationToken.None);

        Assert.StartsWith("acs-prepare-group-", name, StringComparison.Ordinal);
        Assert.False(pool);
        Assert.True(background);
    }

    [Fact]
    public async Task TwoConcurrentRuns_GetTwoThreads_NeitherWaitsForTheOther()
    {
        // Each run waits until the other has started: on one shared thread the second would never start.
        using var both = new Barrier(2);
        var first = PreparingThreads.RunAsync(() => both.SignalAndWait(TimeSpan.FromSeconds(20)) ? Environment.CurrentManagedThreadId : -1, CancellationToken.None);
        var second = PreparingThreads.RunAsync(() => both.SignalAndWait(TimeSpan.FromSeconds(20)) ? Environment.CurrentManagedThreadId : -1, CancellationToken.None);

        var threads = await Task.WhenAll(first, second);
        Assert.DoesNotContain(-1, threads);
        Assert.NotEqual(threads[0], threads[1]);
    }

    [Fact]
    public async Task AFailure_ReachesTheCaller_AndTheThreadServesTheNextRun()
    {
        var failed = PreparingThreads.RunAsync<int>(() => throw new InvalidDataException("bad group"), CancellationToken.None);
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => failed);
        Assert.Equal("bad group", ex.Message);

        Assert.Equal(42, await PreparingThreads.RunAsync(() => 42, CancellationToken.None));
    }

    [Fact]
    public async Task Cancellation_BeforeOrDuring_CancelsTheTask()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        Assert.True(PreparingThreads.RunAsync(() => 1, cancelled.Token).IsCanceled);

        using var during = new CancellationTokenSource();
        var run = PreparingThreads.RunAsync<int>(
            () =>
            {
                during.Cancel();
                during.Token.ThrowIfCancellationRequested();
                return 1;
            },
            CancellationToken.None);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.True(run.IsCanceled);
    }
}
