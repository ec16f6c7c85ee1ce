using System.Globalization;
using System.Text.RegularExpressions;

namespace AcsFunctions.Schemas.Sms;

/// <summary>
/// Reads the outcome of an SMS delivery report (operation <c>SMSDeliveryReportsReceived</c>): the error code from
/// <c>resultDescription</c> (<c>"ErrorCode: 4005. ErrorMessage: ..."</c>) and the Delivered / Failed / Blocked bucket.
/// </summary>
public static partial class SmsDeliveryReports
{
    /// <summary>True when the operation is a delivery report.</summary>
    public static bool IsDeliveryReport(string? operationName) =>
        operationName is not null && operationName.Contains("DeliveryReport", StringComparison.OrdinalIgnoreCase);

    /// <summary>The error code in a result description, or null.</summary>
    public static int? ParseErrorCode(string? resultDescription)
    {
        if (resultDescription is null)
        {
            return null;
        }

        var match = ErrorCodePattern().Match(resultDescription);
        return match.Success && int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? code : null;
    }

    /// <summary>
    /// The outcome of a report: a documented error code decides (4005/4010 Blocked, 2000 Delivered, 5002 Unknown,
    /// others Failed); without a code, a succeeded result type means Delivered and anything else Failed.
    /// </summary>
    public static string Outcome(int? errorCode, string? resultType, bool requestFailed)
    {
        if (errorCode is { } code)
        {
            return SmsErrorCodes.Outcome(code);
        }

        var succeeded = resultType is not null &&
            (resultType.Equals("Succeeded", StringComparison.OrdinalIgnoreCase) || resultType.Equals("Delivered", StringComparison.OrdinalIgnoreCase));
        return succeeded && !requestFailed ? SmsErrorCodes.Delivered : SmsErrorCodes.Failed;
    }

    [GeneratedRegex(@"ErrorCode\s*[:=]\s*(\d{1,9})", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ErrorCodePattern();
}
