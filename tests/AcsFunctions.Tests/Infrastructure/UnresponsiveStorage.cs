using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace AcsFunctions.Tests.Infrastructure;

/// <summary>
/// Storage that accepts connections and never answers, without mocks: a loopback <see cref="TcpListener"/> that
/// accepts every connection, reads nothing and writes nothing until disposed. <see cref="ConnectionString"/> points the
/// table and blob endpoints of a well-formed development account at it.
/// </summary>
internal sealed class UnresponsiveStorage : IAsyncDisposable
{
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentBag<TcpClient> _held = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _accepted;

    public UnresponsiveStorage()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>Connections accepted so far (each held open, unanswered).</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};" +
        $"TableEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;BlobEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;";

    /// <summary>The settings that bound the wait to about two seconds per storage call (1 s timeout, one retry).</summary>
    public static Dictionary<string, string?> ShortWait() => new()
    {
        ["AcsFunctions__Storage__NetworkTimeout"] = "00:00:01",
        ["AcsFunctions__Storage__MaxRetries"] = "1",
        ["AcsFunctions__Storage__RetryMaxDelay"] = "00:00:00.2",
    };

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        foreach (var client in _held)
        {
            client.Dispose();
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            _held.Add(await _listener.AcceptTcpClientAsync(_stop.Token));
            Interlocked.Increment(ref _accepted);
        }
    }
}
