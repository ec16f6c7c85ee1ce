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

    private static readonly string[] _classes = ["1xx", "2xx", "3xx", "4xx", "5xx"];

    // The text of every status code (100…999), made once: a request record's StatusCode column is one of them.
    private static readonly string[] _codes = [.. Enumerable.Range(100, 900).Select(c => c.ToString(CultureInfo.InvariantCulture))];

    /// <summary>The invariant text of a status code (<see cref="ParseCode"/> gives 100…999), shared for those codes.</summary>
    public static string Text(int code) =>
        code is >= 100 and < 1000 ? _codes[code - 100] : code.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses a status code from <c>resultSignature</c> text (<c>"202"</c>, <c>202</c>, <c>"202.0"</c>).</summary>
    public static int? ParseCode(string? text)
    {
        if (text is null)
        {
            return null;
        }

        // The usual form, three digits ("202"), without a parse.
        if (text.Length == 3 && char.IsAsciiDigit(text[0]) && text[0] != '0' && char.IsAsciiDigit(text[1]) && char.IsAsciiDigit(text[2]))
        {
            return ((text[0] - '0') * 100) + ((text[1] - '0') * 10) + (text[2] - '0');
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
        >= 100 and < 600 => _classes[(code.Value / 100) - 1],
        _ => Unknown,
    };

    /// <summary>True for classes that are failures (4xx, 429, 5xx).</summary>
    public static bool IsFailure(string statusClass) => statusClass is "4xx" or Throttled or "5xx";

    /// <summary>True for classes that are successes (1xx, 2xx, 3xx).</summary>
    public static bool IsSuccess(string statusClass) => statusClass is "1xx" or "2xx" or "3xx";
}
