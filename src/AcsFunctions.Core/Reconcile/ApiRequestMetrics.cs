using System.Text;
using AcsFunctions.Dispatch;

namespace AcsFunctions.Reconcile;

/// <summary>
/// The ACS API-request platform metrics (seeds 000–002; supported-metrics list) and how their operation names map
/// onto the log's <c>operationName</c>: case, spaces and punctuation are ignored (Call Automation metrics write
/// "Create Call" for the log's <c>CreateCall</c>), and the SMS metric's singular <c>SMSMessageSent</c> is the log's
/// <c>SMSMessagesSent</c>.
/// </summary>
public static class ApiRequestMetrics
{
    /// <summary>Every metric reconciled by default.</summary>
    public static IReadOnlyList<ApiRequestMetric> All { get; } =
    [
        new("APIRequestAuthentication", Categories.AuthOperational),
        new("APIRequestCallAutomation", Categories.CallAutomationOperational),
        new("APIRequestCallRecording", Categories.CallRecordingOperational),
        new("APIRequestChat", Categories.ChatOperational),
        new("ApiRequestRooms", Categories.RoomsOperational),
        new("ApiRequestRouter", Categories.JobRouterOperational, OperationDimension: "OperationName"),
        new("APIRequestsAdvancedMessaging", Categories.AdvancedMessagingOperational),
        new("APIRequestSMS", Categories.SmsOperational),
    ];

    /// <summary>
    /// Metrics read only when asked for by name: <c>APIRequestNetworkTraversal</c> is retired, and <c>ApiRequests</c>
    /// (Email) counts calls whose SendMail log records carry no status code, so it never lines up by status.
    /// </summary>
    public static IReadOnlyList<ApiRequestMetric> OnRequest { get; } =
    [
        new("APIRequestNetworkTraversal", Categories.NetworkTraversalOperational),
        new("ApiRequests", Categories.EmailSendMailOperational),
    ];

    private static readonly Dictionary<string, string> _operationAliases = new(StringComparer.Ordinal)
    {
        ["smsmessagessent"] = "smsmessagesent",
    };

    /// <summary>Finds a metric by name (case-insensitive), among the default and on-request metrics.</summary>
    public static ApiRequestMetric? Find(string name) =>
        All.Concat(OnRequest).FirstOrDefault(m => string.Equals(m.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The metric counting a log category, if any.</summary>
    public static ApiRequestMetric? ForCategory(string category) =>
        All.Concat(OnRequest).FirstOrDefault(m => string.Equals(m.Category, category, StringComparison.OrdinalIgnoreCase));

    /// <summary>The comparison key of an operation name (metric dimension value or log operationName).</summary>
    public static string OperationKey(string operation)
    {
        var sb = new StringBuilder(operation.Length);
        foreach (var c in operation)
        {
            if (char.IsLetterOrDigit(c))
            {
                sb.Append(char.ToLowerInvariant(c));
            }
        }

        var key = sb.ToString();
        return _operationAliases.GetValueOrDefault(key, key);
    }
}
