using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AcsFunctions.FunctionApp;

namespace AcsFunctions.Tests.FunctionApp;

/// <summary>
/// What the worker SDK's inner "WorkerExtensions" build actually restores for the Functions host, not just what the
/// generated project says: a pin applied after the inner restore (or a restore that resolves another version) would
/// leave WorkerExtensions.csproj naming 6.5.2 while the deployed host loads 5.1.0.
/// </summary>
/// <remarks>
/// <c>dotnet build</c> skips the inner build (WorkerExtensions.targets) and NuGet here does not serve the host package
/// Microsoft.Azure.WebJobs.Extensions.EventHubs, so this runs the build's own post-compile sequence
/// (<c>_FunctionsBuildExtension</c>: generate, pin, inner restore and build, extension metadata) on the compiled app, in
/// a folder of its own, with empty stand-ins of that package (5.1.0, what the worker package names, and the pinned
/// version) in a NuGet fallback folder. Every other package of the inner project comes from the ordinary NuGet feed and
/// cache, as under <c>dotnet publish</c>; the stand-ins never enter the global packages folder.
/// </remarks>
public sealed class WorkerExtensionsRestoreTests
{
    private const string HostEventHubs = "Microsoft.Azure.WebJobs.Extensions.EventHubs";

    [Fact]
    public async Task The_inner_extension_build_restores_the_pinned_host_event_hubs_extension()
    {
        var configuration = typeof(IngestDiagnosticsFunction).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var app = Path.Combine(Infrastructure.RepositoryPaths.Root, "src", "AcsFunctions.FunctionApp");
        var work = Directory.CreateTempSubdirectory("acs-worker-extensions-");
        try
        {
            var fallback = Path.Combine(work.FullName, "fallback");
            foreach (var standIn in new[] { "5.1.0", "6.5.2" })
            {
                await WriteStandInPackageAsync(fallback, standIn);
            }

            // The build's own intermediate folder stays untouched: the compiled app is copied to one of our own.
            var intermediate = Path.Combine(work.FullName, "obj") + Path.DirectorySeparatorChar;
            Directory.CreateDirectory(intermediate);
            File.Copy(Path.Combine(app, "obj", configuration, "net10.0", "AcsFunctions.FunctionApp.dll"), Path.Combine(intermediate, "AcsFunctions.FunctionApp.dll"));
            var extensions = Path.Combine(work.FullName, "WorkerExtensions");

            var (exit, output) = await MsBuildAsync(
                Path.Combine(app, "AcsFunctions.FunctionApp.csproj"),
                "-t:_FunctionsBuildExtension",
                $"-p:Configuration={configuration}",
                "-p:BuildProjectReferences=false",
                "-p:FunctionsBuildWorkerExtensions=true",
                $"-p:IntermediateOutputPath={intermediate}",
                $"-p:ExtensionsCsProjDirectory={extensions}",
                $"-p:RestoreFallbackFolders={fallback}");

            Assert.True(exit == 0, $"the inner extension build failed ({exit}):\n{output}");
            Assert.True(File.Exists(Path.Combine(intermediate, "extensions.json")), $"the inner build wrote no extensions.json:\n{output}");
            using var assets = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(extensions, "obj", "project.assets.json")));
            var restored = assets.RootElement.GetProperty("libraries").EnumerateObject()
                .Select(l => l.Name.Split('/'))
                .Where(l => string.Equals(l[0], HostEventHubs, StringComparison.OrdinalIgnoreCase))
                .Select(l => Version.Parse(l[1]))
                .ToList();
            var version = Assert.Single(restored);
            Assert.True(version >= new Version(6, 2, 0), $"the inner build restored host-side Event Hubs extension {version}, which checkpoints cancelled invocations");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>An empty package of the host extension, laid out as NuGet extracts one (a fallback folder is read as extracted packages).</summary>
    private static async Task WriteStandInPackageAsync(string fallback, string version)
    {
        var id = HostEventHubs.ToLowerInvariant();
        var folder = Path.Combine(fallback, id, version);
        Directory.CreateDirectory(folder);
        var nuspec = $"""
            <?xml version="1.0" encoding="utf-8"?>
            <package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
              <metadata><id>{HostEventHubs}</id><version>{version}</version><authors>tests</authors><description>stand-in</description></metadata>
            </package>
            """;
        using var nupkg = new MemoryStream();
        using (var zip = new ZipArchive(nupkg, ZipArchiveMode.Create, leaveOpen: true))
        {
            await using var entry = await zip.CreateEntry($"{HostEventHubs}.nuspec").OpenAsync();
            await entry.WriteAsync(Encoding.UTF8.GetBytes(nuspec));
        }

        var hash = Convert.ToBase64String(SHA512.HashData(nupkg.ToArray()));
        await File.WriteAllTextAsync(Path.Combine(folder, $"{id}.nuspec"), nuspec);
        await File.WriteAllBytesAsync(Path.Combine(folder, $"{id}.{version}.nupkg"), nupkg.ToArray());
        await File.WriteAllTextAsync(Path.Combine(folder, $"{id}.{version}.nupkg.sha512"), hash);
        await File.WriteAllTextAsync(Path.Combine(folder, ".nupkg.metadata"), $$"""{"version":2,"contentHash":"{{hash}}","source":null}""");
    }

    private static async Task<(int Exit, string Output)> MsBuildAsync(string project, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["msbuild", project, "-nologo", "-v:m", "-nodeReuse:false", "-p:UseSharedCompilation=false", .. args])
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet msbuild");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output + await error);
    }
}
