using System.Diagnostics;
using AcsFunctions.Tests.Infrastructure;

namespace AcsFunctions.Tests.Infra;

/// <summary>
/// The real bicep CLI from the Azure.Bicep.CommandLine.linux-x64 NuGet package (restored with the tests, no manual
/// install). NuGet extraction can lose the executable bit, so a copy with the bit set is used when needed.
/// </summary>
internal static class BicepCli
{
    private static readonly Lazy<string> _executable = new(ResolveExecutable);

    /// <summary>Runs <c>bicep</c> with <paramref name="args"/> in <paramref name="workingDirectory"/>; returns exit code and both outputs.</summary>
    public static async Task<(int Exit, string Output, string Error)> RunAsync(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(_executable.Value)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        // No telemetry, no update check: the test must not depend on the network.
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {_executable.Value}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    private static string ResolveExecutable()
    {
        var path = RepositoryPaths.BicepPackageExecutable;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"bicep CLI not found at {path}; restore the test project (Azure.Bicep.CommandLine.linux-x64).", path);
        }

        if (OperatingSystem.IsWindows())
        {
            return path;
        }

        const UnixFileMode execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        if (File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute))
        {
            return path;
        }

        try
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | execute);
            return path;
        }
        catch (UnauthorizedAccessException)
        {
            // The package folder belongs to someone else: run a private executable copy.
            var copy = Path.Combine(Path.GetTempPath(), $"acs-bicep-{Environment.UserName}-{new FileInfo(path).Length}", "bicep");
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            if (!File.Exists(copy))
            {
                File.Copy(path, copy + ".tmp", overwrite: true);
                File.SetUnixFileMode(copy + ".tmp", File.GetUnixFileMode(copy + ".tmp") | UnixFileMode.UserExecute);
                File.Move(copy + ".tmp", copy, overwrite: true);
            }

            return copy;
        }
    }
}
