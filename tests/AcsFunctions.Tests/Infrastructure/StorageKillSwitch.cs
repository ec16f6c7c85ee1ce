using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Tests.Infrastructure;

/// <summary>
/// Plays a process that dies: after <c>writes</c> write requests (anything but GET) every request of the client —
/// reads included — hangs, as if the process had stopped, until <see cref="Bury"/> fails them all, so nothing more reaches
/// storage and nothing is cleaned up (no lease released). With <c>cancel</c>, the Nth write instead cancels a token
/// (Ctrl+C) and requests go on.
/// </summary>
public sealed class StorageKillSwitch : HttpPipelinePolicy
{
    private readonly int _writes;
    private readonly CancellationTokenSource? _cancel;
    private readonly TaskCompletionSource _buried = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _count;

    public StorageKillSwitch(int writes, CancellationTokenSource? cancel = null)
    {
        _writes = writes;
        _cancel = cancel;
    }

    /// <summary>Write requests seen (including the one that killed the process).</summary>
    public int Writes => Volatile.Read(ref _count);

    /// <summary>True once the process "died" (or Ctrl+C was pressed).</summary>
    public bool Triggered => Writes > _writes;

    /// <summary>A storage whose table client goes through this switch.</summary>
    public TestStorage Create(string connectionString, string prefix) =>
        TestStorage.Create(
            connectionString,
            new Dictionary<string, string?> { ["AcsFunctions:Storage:TablePrefix"] = prefix },
            services =>
            {
                var options = new TableClientOptions();
                options.AddPolicy(this, HttpPipelinePosition.PerCall);
                var client = new TableServiceClient(connectionString, options);
                services.AddSingleton(client);

                // The app's own transactions die with the process too.
                var senderOptions = new TableClientOptions();
                senderOptions.AddPolicy(this, HttpPipelinePosition.PerCall);
                services.AddSingleton(AcsFunctions.Storage.TransactionSender.ForConnectionString(connectionString, client.Uri, senderOptions)!);
            });

    /// <summary>Fails every hung and later request at once (the dead process's task ends, having written nothing more).</summary>
    public void Bury() => _buried.TrySetResult();

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        throw new NotSupportedException("The roll-up is asynchronous.");

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        if (message.Request.Method != RequestMethod.Get && Interlocked.Increment(ref _count) == _writes + 1 && _cancel is not null)
        {
            await _cancel.CancelAsync();
        }

        if (Triggered && _cancel is null)
        {
            await _buried.Task;
            throw new InvalidOperationException("The process is dead.");
        }

        await ProcessNextAsync(message, pipeline);
    }
}
