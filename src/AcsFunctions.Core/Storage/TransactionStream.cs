using System.Runtime.ExceptionServices;

namespace AcsFunctions.Storage;

/// <summary>
/// The transactions of a stream of writes in flight (<see cref="TableWriter.OpenStream"/>): one bound shared by every
/// write of the stream, and the stream's first failure, which stops it — later transactions do not start, and every
/// wait on the stream reports that failure rather than the cancellation it caused.
/// </summary>
public sealed class TransactionStream : IDisposable
{
    private readonly CancellationTokenSource _stop;
    private ExceptionDispatchInfo? _failure;

    internal TransactionStream(int inFlight, CancellationToken cancellationToken)
    {
        Gate = new SemaphoreSlim(Math.Max(1, inFlight), Math.Max(1, inFlight));
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    internal SemaphoreSlim Gate { get; }

    /// <summary>Cancelled by the stream's first failure (or the caller's token).</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>Records the first failure (a cancellation counts only when nothing else failed) and stops the stream.</summary>
    internal void Fail(Exception ex)
    {
        if (ex is not OperationCanceledException)
        {
            Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(ex), null);
        }

        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The stream is over.
        }
    }

    /// <summary>Rethrows the stream's first failure, if any.</summary>
    public void ThrowFirstFailure() => Volatile.Read(ref _failure)?.Throw();

    /// <inheritdoc />
    public void Dispose()
    {
        _stop.Dispose();
        Gate.Dispose();
    }
}
