using AcsFunctions.Rollups;
using AcsFunctions.Storage;

namespace AcsFunctions.Cli.Commands;

/// <summary>
/// The loop of <c>acs-diag rollup --watch</c>: one run at once, then one per interval (waiting on the
/// <see cref="TimeProvider"/>, like the timer function's schedule) until cancelled. Cancellation — Ctrl+C — ends it
/// cleanly, during a pause or a run (an interrupted run leaves its marks pending for the next one). A run that finds
/// table storage unreachable is reported and the watch goes on: the next run takes the marks that stayed pending.
/// </summary>
internal static class RollupWatch
{
    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled; returns how many runs completed and were reported.</summary>
    public static async Task<int> RunAsync(
        Func<CancellationToken, Task<RollupResult>> run,
        Action<RollupResult> report,
        Action<StorageUnavailableException> unavailable,
        TimeSpan interval,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var runs = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    report(await run(cancellationToken));
                    runs++;
                }
                catch (StorageUnavailableException ex)
                {
                    unavailable(ex);
                }

                await Task.Delay(interval, time, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: stop watching.
        }

        return runs;
    }
}
