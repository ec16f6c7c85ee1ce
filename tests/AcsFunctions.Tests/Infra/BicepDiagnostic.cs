using System.Text.RegularExpressions;

namespace AcsFunctions.Tests.Infra;

/// <summary>One diagnostic line of the bicep CLI: <c>path(line,col) : Warning rule: message [link]</c>.</summary>
internal sealed partial record BicepDiagnostic(string File, int Line, int Column, string Level, string Code, string Message)
{
    /// <summary>Parses the CLI's default diagnostics format; lines that are not diagnostics are returned separately.</summary>
    public static (IReadOnlyList<BicepDiagnostic> Diagnostics, IReadOnlyList<string> Other) Parse(string text)
    {
        var diagnostics = new List<BicepDiagnostic>();
        var other = new List<string>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var m = Pattern().Match(line);
            if (m.Success)
            {
                diagnostics.Add(new BicepDiagnostic(m.Groups["file"].Value, int.Parse(m.Groups["line"].Value), int.Parse(m.Groups["col"].Value), m.Groups["level"].Value, m.Groups["code"].Value, m.Groups["msg"].Value));
            }
            else
            {
                other.Add(line);
            }
        }

        return (diagnostics, other);
    }

    [GeneratedRegex(@"^(?<file>.+)\((?<line>\d+),(?<col>\d+)\) : (?<level>Error|Warning|Info) (?<code>[^:]+): (?<msg>.*)$")]
    private static partial Regex Pattern();
}
