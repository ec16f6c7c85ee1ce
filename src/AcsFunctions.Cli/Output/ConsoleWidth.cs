using Spectre.Console;

namespace AcsFunctions.Cli.Output;

/// <summary>
/// How wide tables are drawn. On a terminal, its width (Spectre detects it). Redirected (a file, a pipe, CI) there is no
/// width and Spectre would assume 80 columns and wrap cells mid-word; instead the width is set so large that no cell
/// wraps — a table is as wide as its cells need (tables are not expanded). Tools should read <c>--format csv|json</c>.
/// </summary>
internal static class ConsoleWidth
{
    /// <summary>The width used when output is redirected.</summary>
    public const int Redirected = 4096;

    /// <summary>Sets the console's width once, before any output.</summary>
    public static void Configure(IAnsiConsole console)
    {
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = Redirected;
        }
    }
}
