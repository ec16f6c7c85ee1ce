using Azure;

namespace AcsFunctions.Storage;

/// <summary>
/// Which storage failures are worth retrying: 408, 429, 500, 502, 503, 504, network failures, and network timeouts
/// (storage that accepts connections but never answers: the Azure SDK gives up on each attempt after
/// <see cref="StorageOptions.NetworkTimeout"/> and, once its retries are spent, throws an
/// <see cref="AggregateException"/> of <see cref="TaskCanceledException"/>s — never for the caller's own cancellation,
/// which it rethrows as is).
/// </summary>
public static class TransientErrors
{
    /// <summary>True when <paramref name="exception"/> is transient.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        RequestFailedException rfe => rfe.Status is 0 or 408 or 429 or 500 or 502 or 503 or 504,
        HttpRequestException or IOException or TimeoutException => true,
        System.Net.Sockets.SocketException => true,
        OperationCanceledException oce => IsNetworkTimeout(oce),
        AggregateException ae => ae.InnerExceptions.Count > 0 && ae.InnerExceptions.All(e => IsTransient(e) || e is OperationCanceledException),
        _ => false,
    };

    /// <summary>
    /// True when <paramref name="exception"/> says storage cannot be reached or refuses us — a
    /// <see cref="StorageUnavailableException"/>, a transient failure (<see cref="IsTransient"/>: 408, 429, 5xx, status 0,
    /// network errors, timeouts), a refusal of the credentials (<see cref="StorageRefusal.Is"/>: 401, 403) or no token
    /// for them (<see cref="Azure.Identity.AuthenticationFailedException"/>, <see cref="Azure.Identity.CredentialUnavailableException"/>
    /// among them: the managed identity endpoint not answering or refusing) — itself or any exception inside it. Anything
    /// else (another 4xx, a bug) is not storage availability: retrying the same work gives the same failure.
    /// </summary>
    public static bool IsUnavailability(Exception? exception) => exception switch
    {
        null => false,
        StorageUnavailableException => true,
        RequestFailedException rfe when StorageRefusal.Is(rfe) => true,
        Azure.Identity.AuthenticationFailedException => true,
        _ when IsTransient(exception) => true,
        AggregateException ae => ae.InnerExceptions.Any(IsUnavailability),
        _ => IsUnavailability(exception.InnerException),
    };

    /// <summary>
    /// True when every attempt of the storage call timed out (storage accepted the connection and never answered):
    /// retrying it again at once only multiplies the wait, so callers report storage unavailable instead.
    /// </summary>
    public static bool IsTimeout(Exception exception) => exception switch
    {
        OperationCanceledException oce => IsNetworkTimeout(oce),
        TimeoutException => true,
        AggregateException ae => ae.InnerExceptions.Count > 0 && ae.InnerExceptions.All(e => e is OperationCanceledException or TimeoutException),
        _ => false,
    };

    /// <summary>One line on what went wrong, for a <see cref="StorageUnavailableException"/> message.</summary>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (IsTimeout(exception))
        {
            var attempts = exception is AggregateException ae ? ae.InnerExceptions.Count : 1;
            return $"no answer: {attempts} attempt(s) timed out (AcsFunctions:Storage:NetworkTimeout and MaxRetries bound the wait)";
        }

        return exception.Message.Split('\n')[0].Trim();
    }

    // Azure.Core's ResponseBodyPolicy: "The operation was cancelled because it exceeded the configured timeout of …";
    // HttpClient.Timeout: a TaskCanceledException around a TimeoutException.
    private static bool IsNetworkTimeout(OperationCanceledException exception) =>
        exception.InnerException is TimeoutException
        || exception.Message.Contains("exceeded the configured timeout", StringComparison.Ordinal);
}
