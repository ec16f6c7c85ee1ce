namespace AcsFunctions.Rollups;

/// <summary>
/// Severity order of participant end-reason classes, for a call's worst class:
/// <c>Success</c> &lt; <c>ExpectedError</c> &lt; any other class &lt; <c>UnexpectedClientError</c> &lt;
/// <c>UnexpectedServerError</c>.
/// </summary>
public static class EndReasonClasses
{
    /// <summary>Severity rank of a class (higher is worse).</summary>
    public static int Rank(string endReasonClass) => endReasonClass switch
    {
        "Success" => 0,
        "ExpectedError" => 1,
        "UnexpectedClientError" => 3,
        "UnexpectedServerError" => 4,
        _ => 2,
    };

    /// <summary>The worse of two classes (null counts as no information).</summary>
    public static string? Worst(string? a, string? b) =>
        a is null ? b : b is null ? a : Rank(b) > Rank(a) ? b : a;
}
