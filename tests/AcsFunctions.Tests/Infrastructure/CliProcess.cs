using System.Diagnostics;

namespace AcsFunctions.Tests.Infrastructure;

/// <summary>Runs the real <c>acs-diag</c> executable (built next to the tests) as a child process.</summary>
internal static class CliProcess
{
    /// <summary>Runs acs-diag with <paramref name="args"/> and extra environment variables (and optional standard input); returns exit code, stdout and stderr.</summary>
    public static async Task<(int Exit, string Output, string Error)> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string?> environment, string? standardInput = null, string? workingDirectory = null)
    {
        using var process = Start(args, environment, redirectInput: standardInput is not null, workingDirectory);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput);
            process.StandardInput.Close();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    /// <summary>Starts acs-diag with <paramref name="args"/> and extra environment variables (a null value removes one), optionally in another working directory; stdout and stderr redirected.</summary>
    public static Process Start(IEnumerable<string> args, IReadOnlyDictionary<string, string?> environment, bool redirectInput = false, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = redirectInput };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "acs-diag.dll"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        return Process.Start(start)!;
    }
}
