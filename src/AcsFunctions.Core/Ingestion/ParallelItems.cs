using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace AcsFunctions.Ingestion;

/// <summary>
/// Runs a CPU-bound action over the items 0…n−1 on the calling thread plus up to <c>parallelism − 1</c> helpers taken
/// from a small set of dedicated background threads (as many as the largest parallelism asked for, started on first use and kept for the
/// process's lifetime, so per-thread caches such as hash contexts and writer buffers are built once). Items are
/// claimed one at a time, so uneven items balance out. The caller never waits for a helper that has not claimed an
/// item: when the helpers are busy (another pipeline preparing at the same time) the caller simply does all items
/// itself. Helpers are not pool threads, so a long preparation cannot starve the async continuations of writes.
/// The first exception stops the remaining items and is rethrown on the caller as it was thrown.
/// </summary>
internal static class ParallelItems
{
    private static readonly BlockingCollection<Action> _work = [];
    private static readonly Lock _gate = new();
    private static int _threads;

    /// <summary>Runs <paramref name="action"/> for every index in [0, <paramref name="count"/>).</summary>
    public static void Run(int count, int parallelism, Action<int> action)
    {
        var helpers = Math.Min(parallelism, count) - 1;
        if (helpers <= 0)
        {
            for (var i = 0; i < count; i++)
            {
                action(i);
            }

            return;
        }

        var run = new Claims(count, action);
        EnsureThreads(helpers);
        for (var i = 0; i < helpers; i++)
        {
            _work.Add(run.Work);
        }

        run.Work();
        run.Wait();
    }

    private static void EnsureThreads(int wanted)
    {
        lock (_gate)
        {
            while (_threads < wanted)
            {
                var thread = new Thread(Loop) { IsBackground = true, Name = $"acs-prepare-{++_threads}" };
                thread.Start();
            }
        }
    }

    private static void Loop()
    {
        foreach (var work in _work.GetConsumingEnumerable())
        {
            work();
        }
    }

    private sealed class Claims(int count, Action<int> action)
    {
        private readonly int _count = count;
        private readonly object _doneGate = new();
        private int _next = -1;
        private int _remaining = count;
        private ExceptionDispatchInfo? _failure;

        public void Work()
        {
            int index;
            while ((index = Interlocked.Increment(ref _next)) < _count)
            {
                if (Volatile.Read(ref _failure) is null)
                {
                    try
                    {
                        action(index);
                    }
                    catch (Exception ex)
                    {
                        Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(ex), null);
                    }
                }

                if (Interlocked.Decrement(ref _remaining) == 0)
                {
                    lock (_doneGate)
                    {
                        Monitor.PulseAll(_doneGate);
                    }
                }
            }
        }

        /// <summary>Waits for the items other threads claimed, then rethrows the first failure.</summary>
        public void Wait()
        {
            lock (_doneGate)
            {
                while (Volatile.Read(ref _remaining) > 0)
                {
                    Monitor.Wait(_doneGate);
                }
            }

            _failure?.Throw();
        }
    }
}
