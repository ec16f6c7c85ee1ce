using AcsFunctions.Diagnostics;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Logging;

namespace AcsFunctions.Storage;

/// <summary>
/// Runs inside the Azure SDK's retry loop (one call per attempt) and logs each attempt that failed transiently — most
/// usefully one that timed out — as a warning, so a wait on unresponsive storage shows progress (the CLI writes
/// warnings to standard error) instead of silence until the retries are spent.
/// </summary>
internal sealed class StorageAttemptPolicy : HttpPipelinePolicy
{
    private readonly ILogger _logger;
    private readonly StorageOptions _options;

    public StorageAttemptPolicy(ILogger logger, StorageOptions options)
    {
        _logger = logger;
        _options = options;
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        try
        {
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
        catch (Exception ex) when (Report(message, ex))
        {
            throw;
        }
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        try
        {
            ProcessNext(message, pipeline);
        }
        catch (Exception ex) when (Report(message, ex))
        {
            throw;
        }
    }

    /// <summary>Logs a transient failure of one attempt; never handles the exception (returns false).</summary>
    private bool Report(HttpMessage message, Exception exception)
    {
        if (message.CancellationToken.IsCancellationRequested || !(exception is OperationCanceledException || TransientErrors.IsTransient(exception)))
        {
            return false;
        }

        var attempt = message.ProcessingContext.RetryNumber + 1;
        var endpoint = $"{message.Request.Uri.Host}:{message.Request.Uri.Port}";
        if (exception is OperationCanceledException)
        {
            Log.StorageAttemptTimedOut(_logger, endpoint, _options.NetworkTimeout, attempt, _options.MaxRetries + 1);
        }
        else
        {
            Log.StorageAttemptFailed(_logger, endpoint, attempt, _options.MaxRetries + 1, exception.Message.Split('\n')[0].Trim());
        }

        return false;
    }
}
