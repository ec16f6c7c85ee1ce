using System.Globalization;

namespace AcsFunctions.Schemas.ApiRequests;

/// <summary>
/// HTTP status classification of API requests (acs-data-contract §8.2): <c>1xx</c>…<c>5xx</c>, with
/// <c>429</c> (throttling) in its own bucket, and <c>unknown</c> when the status is absent or not a number.
/// </summary>
public static class StatusClasses
{
    /// <summary>The class of an absent or non-numeric status.</summary>
    public const string Unknown = "unknown";

    /// <summary>The throttling class.</summary>
    public const string Throttled = "429";

    /// <summary>Parses a status code from <c>resultSignature</c> text (<c>"202"</c>, <c>202</c>, <c>"202.0"</c>).</summary>
    public static int? ParseCode(string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) &&
            value is >= 100 and < 1000 && Math.Floor(value) == value)
        {
            return (int)value;
        }

        return null;
    }

    /// <summary>The class of a status code.</summary>
    public static string Of(int? code) => code switch
    {
        null => Unknown,
        429 => Throttled,
        >= 100 and < 600 => string.Create(CultureInfo.InvariantCulture, $"{code.Value / 100}xx"),
        _ => Unknown,
    };

    /// <summary>True for classes that are failures (4xx, 429, 5xx).</summary>
    public static bool IsFailure(string statusClass) => statusClass is "4xx" or Throttled or "5xx";

    /// <summary>True for classes that are successes (1xx, 2xx, 3xx).</summary>
    public static bool IsSuccess(string statusClass) => statusClass is "1xx" or "2xx" or "3xx";
}
