using System.Collections.Concurrent;

namespace AcsFunctions.Ingestion;

/// <summary>
/// Long-lived threads that prepare whole groups for a stream (<see cref="StreamingIngest"/>): a group's preparation takes
/// seconds of CPU, so it must not run on a thread-pool thread (a small machine has as few pool threads as cores, and it
/// would starve the continuations of the writes it overlaps); and it must not get a new thread per group either, since
/// the record path keeps its buffers, hash contexts, string tables and partition keys per thread (a new thread builds
/// them all again for every group). A call takes an idle thread or starts one, so concurrent streams never wait for
/// each other; a thread goes back to the idle set before its caller sees the result. Background threads, for the
/// process's lifetime.
/// </summary>
internal static class PreparingThreads
{
    private static readonly ConcurrentStack<Worker> _idle = new();
    private static int _started;

    /// <summary>The threads started so far (tests).</summary>
    internal static int Started => Volatile.Read(ref _started);

    /// <summary>Runs <paramref name="work"/> on an idle preparing thread (or a new one) and completes with its result.</summary>
    public static Task<T> RunAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var worker = _idle.TryPop(out var idle) ? idle : new Worker();
        worker.Post(() =>
        {
            T result;
            try
            {
                result = work();
            }
            catch (OperationCanceledException ex)
            {
                _idle.Push(worker);
                done.TrySetCanceled(ex.CancellationToken);
                return;
            }
            catch (Exception ex)
            {
                _idle.Push(worker);
                done.TrySetException(ex);
                return;
            }

            _idle.Push(worker);
            done.TrySetResult(result);
        });
        return done.Task;
    }

    private sealed class Worker
    {
        private readonly BlockingCollection<Action> _work = [];

        public Worker()
        {
            var number = Interlocked.Increment(ref _started);
            new Thread(Loop) { IsBackground = true, Name = $"acs-prepare-group-{number}" }.Start();
        }

        public void Post(Action work) => _work.Add(work);

        private void Loop()
        {
            foreach (var work in _work.GetConsumingEnumerable())
            {
                work();
            }
        }
    }
}
