using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AcsFunctions.Azurite;

/// <summary>
/// A local Azurite (blob + queue + table) from the repository's pinned npm package, on loopback ports, in
/// memory unless a location is given. Start it with <see cref="StartAsync"/>, dispose to stop it.
/// Used by the tests and by <c>acs-diag demo</c>; it runs <c>npm ci</c> first when the package is missing.
/// </summary>
public sealed class AzuriteHost : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account key (public, documented).</summary>
    public const string DevAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>Azurite's development account name.</summary>
    public const string DevAccountName = "devstoreaccount1";

    private static readonly SemaphoreSlim _installLock = new(1, 1);
    private readonly AzuriteOptions _options;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private AzuriteHost(AzuriteOptions options, string executable)
    {
        _options = options;
        Executable = executable;
    }

    /// <summary>The azurite script being run.</summary>
    public string Executable { get; }

    /// <summary>Blob port in use.</summary>
    public int BlobPort { get; private set; }

    /// <summary>Queue port in use.</summary>
    public int QueuePort { get; private set; }

    /// <summary>Table port in use.</summary>
    public int TablePort { get; private set; }

    /// <summary>A connection string for the running instance (blob, queue and table endpoints).</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={DevAccountName};AccountKey={DevAccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{DevAccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{DevAccountName};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{DevAccountName};";

    /// <summary>True while the process runs.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The Azurite process's id (0 before it started).</summary>
    public int ProcessId => _process?.Id ?? 0;

    /// <summary>Starts Azurite and waits until its blob and table ports accept connections.</summary>
    public static async Task<AzuriteHost> StartAsync(AzuriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new AzuriteOptions();
        var executable = await LocateAsync(options.Log, cancellationToken);
        var host = new AzuriteHost(options, executable)
        {
            BlobPort = options.BlobPort == 0 ? FreePort() : options.BlobPort,
            QueuePort = options.QueuePort == 0 ? FreePort() : options.QueuePort,
            TablePort = options.TablePort == 0 ? FreePort() : options.TablePort,
        };
        try
        {
            await host.LaunchAsync(cancellationToken);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    /// <summary>Kills the process (as a crash would), keeping the ports for <see cref="RestartAsync"/>.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>Starts the process again on the same ports (data survives only with a <see cref="AzuriteOptions.Location"/>).</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await KillAsync();
        await LaunchAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await KillAsync();

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        var workDir = _options.Location ?? Path.Combine(Path.GetTempPath(), "acs-azurite-" + Environment.ProcessId);
        Directory.CreateDirectory(workDir);
        // On Linux in a session of its own (setsid, which execs Azurite in place: the same process id): a terminal's Ctrl+C
        // signals its whole foreground process group, and Azurite dying at once made the command's last writes fail
        // (`demo` stopped during its roll-up printed ~40 retry warnings) before the command could stop it itself, as it
        // does when it ends (DisposeAsync). Without setsid on the PATH it starts as before.
        var setsid = OperatingSystem.IsLinux() ? OnPath("setsid") : null;
        var start = new ProcessStartInfo(setsid ?? Executable)
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (setsid is not null)
        {
            start.ArgumentList.Add(Executable);
        }

        if (_options.NodeHeapMegabytes is { } heap)
        {
            start.Environment["NODE_OPTIONS"] = $"--max-old-space-size={heap.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        }

        if (_options.SkipApiVersionCheck)
        {
            start.ArgumentList.Add("--skipApiVersionCheck");
        }

        if (_options.Location is null)
        {
            start.ArgumentList.Add("--inMemoryPersistence");
        }
        else
        {
            start.ArgumentList.Add("--location");
            start.ArgumentList.Add(_options.Location);
        }

        foreach (var arg in new[]
        {
            "--silent", "--loose", "--disableTelemetry",
            "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Executable}.");
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.StartTimeout);
        try
        {
            while (!(await CanConnectAsync(TablePort, timeout.Token) && await CanConnectAsync(BlobPort, timeout.Token)))
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"Azurite exited with code {process.ExitCode} during start-up: {Output()}");
                }

                await Task.Delay(100, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Azurite did not accept connections within {_options.StartTimeout}: {Output()}");
        }
    }

    private static string? OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < 16_000)
            {
                _output.AppendLine(line);
            }
        }
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.Length == 0 ? "(no output)" : _output.ToString();
        }
    }

    private static async Task<bool> CanConnectAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Finds <c>node_modules/.bin/azurite</c>: <c>ACS_AZURITE_BIN</c> if set, else in the nearest folder (walking up
    /// from the current directory and from the app's folder) whose <c>package.json</c> pins azurite — running
    /// <c>npm ci</c> there first if the package is not installed yet (saying so through <paramref name="log"/>, or on
    /// standard error when it is null).
    /// </summary>
    public static async Task<string> LocateAsync(Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        var fromEnv = Environment.GetEnvironmentVariable("ACS_AZURITE_BIN");
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            return File.Exists(fromEnv) ? fromEnv : throw new FileNotFoundException($"ACS_AZURITE_BIN points to '{fromEnv}', which does not exist.");
        }

        var root = FindPackageRoot(Directory.GetCurrentDirectory()) ?? FindPackageRoot(AppContext.BaseDirectory)
            ?? throw new InvalidOperationException(
                "Azurite not found: run from the AcsFunctions repository (its package.json pins azurite) after `npm ci`, " +
                "set ACS_AZURITE_BIN to an azurite executable, or pass --storage with a connection string.");
        return await EnsureInstalledAsync(root, log, cancellationToken);
    }

    /// <summary>
    /// <c>node_modules/.bin/azurite</c> under <paramref name="root"/> (a folder whose <c>package.json</c> pins azurite),
    /// running <c>npm ci --no-audit --no-fund</c> there first when it is missing. Says so through
    /// <paramref name="log"/> (standard error when null), and fails with a message naming the folder and the command
    /// when npm cannot be started or does not install Azurite.
    /// </summary>
    public static async Task<string> EnsureInstalledAsync(string root, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        var bin = Path.Combine(root, "node_modules", ".bin", "azurite");
        if (File.Exists(bin))
        {
            return bin;
        }

        await _installLock.WaitAsync(cancellationToken);
        try
        {
            if (!File.Exists(bin))
            {
                (log ?? Console.Error.WriteLine)($"Azurite is not installed in {root}: running `npm ci --no-audit --no-fund` there (needs Node.js and the npm registry) ...");
                await RunNpmCiAsync(root, cancellationToken);
            }
        }
        finally
        {
            _installLock.Release();
        }

        return File.Exists(bin) ? bin : throw new InvalidOperationException($"Azurite is missing and `npm ci` in {root} did not install {bin}; run `npm ci --no-audit --no-fund` there by hand.");
    }

    private static string? FindPackageRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var package = Path.Combine(dir.FullName, "package.json");
            if (File.Exists(package) && File.ReadAllText(package).Contains("\"azurite\"", StringComparison.Ordinal))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    private static string Head(string text, int length) => text.Length <= length ? text : text[..length] + " …";

    private static async Task RunNpmCiAsync(string root, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("npm")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "ci", "--no-audit", "--no-fund" })
        {
            start.ArgumentList.Add(arg);
        }

        Process? started;
        try
        {
            started = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"Azurite is missing and npm could not be started to install it ({ex.Message}): install Node.js and run `npm ci --no-audit --no-fund` in {root}.", ex);
        }

        using var process = started ?? throw new InvalidOperationException($"Azurite is missing and npm could not be started to install it: install Node.js and run `npm ci --no-audit --no-fund` in {root}.");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        _ = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"Azurite is missing and `npm ci --no-audit --no-fund` failed in {root} (exit {process.ExitCode}): {Head((await stderr).Trim(), 2_000)}");
        }
    }
}
