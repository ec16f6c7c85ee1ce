using Azure;

namespace AcsFunctions.Storage;

/// <summary>Which storage failures are worth retrying: 408, 429, 500, 502, 503, 504 and network failures.</summary>
public static class TransientErrors
{
    /// <summary>True when <paramref name="exception"/> is transient.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        RequestFailedException rfe => rfe.Status is 0 or 408 or 429 or 500 or 502 or 503 or 504,
        HttpRequestException or IOException or TimeoutException => true,
        System.Net.Sockets.SocketException => true,
        AggregateException ae => ae.InnerExceptions.All(IsTransient),
        _ => false,
    };
}
