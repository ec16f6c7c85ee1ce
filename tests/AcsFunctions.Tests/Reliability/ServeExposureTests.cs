using System.Net;
using AcsFunctions.Cli.Serve;
using AcsFunctions.Queries;
using AcsFunctions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Tests.Reliability;

/// <summary>
/// <c>acs-diag serve</c> exposure (issue 15, finding 1), on real Kestrel: the addresses really bound — whatever
/// configuration added (appsettings.json in the working directory, Kestrel__Endpoints__*, ASPNETCORE_URLS) — are
/// checked after start and refused (exit 2) when one is not loopback without <c>--allow-remote</c>; a request whose
/// Host header is not a loopback name or address (DNS rebinding) gets 400 unless <c>--allow-remote</c> names the host.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ServeExposureTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task KestrelEndpointInAppSettingsOfTheWorkingDirectory_IsRefused()
    {
        var directory = Directory.CreateTempSubdirectory("acs-serve-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "appsettings.json"), """{"Kestrel":{"Endpoints":{"Open":{"Url":"http://0.0.0.0:0"}}}}""");

            var (exit, listening, error) = await ServeAsync(["--urls", "http://127.0.0.1:0"], [], directory);

            Assert.True(exit == 2, $"exit {exit}, listening on {string.Join(", ", listening)}\n{error}");
            Assert.Contains("0.0.0.0", error, StringComparison.Ordinal);
            Assert.Contains("not loopback", error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("Kestrel__Endpoints__X__Url", "http://0.0.0.0:0")]
    [InlineData("Kestrel__Endpoints__Open__Url", "http://0.0.0.0:0")]
    [InlineData("ASPNETCORE_Kestrel__Endpoints__X__Url", "http://0.0.0.0:0")]
    public async Task KestrelEndpointFromEnvironment_IsRefused(string variable, string url)
    {
        var (exit, listening, error) = await ServeAsync(["--urls", "http://127.0.0.1:0"], new() { [variable] = url });

        Assert.True(exit == 2, $"exit {exit}, listening on {string.Join(", ", listening)}\n{error}");
        Assert.Contains("0.0.0.0", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ASPNETCORE_URLS")]
    [InlineData("URLS")]
    [InlineData("ASPNETCORE_HTTP_PORTS")]
    public async Task UrlsFromEnvironment_NeverGiveANonLoopbackServer(string variable)
    {
        var value = variable == "ASPNETCORE_HTTP_PORTS" ? "0" : "http://0.0.0.0:0";

        var (exit, listening, error) = await ServeAsync(["--urls", "http://127.0.0.1:0"], new() { [variable] = value });

        // Either the setting is overridden by --urls (serves on loopback only) or it is refused: never a remote server.
        Assert.True(exit == 2 || (listening.Count > 0 && listening.All(ServeGuard.IsLoopbackAddress)), $"exit {exit}, listening on {string.Join(", ", listening)}\n{error}");
    }

    [Theory]
    [InlineData("notaurl", "notaurl")]
    [InlineData("127.0.0.1:7071", "127.0.0.1:7071")]
    [InlineData("ftp://127.0.0.1:21", "ftp://127.0.0.1:21")]
    [InlineData("http://127.0.0.1:99999", "http://127.0.0.1:99999")]
    [InlineData("http://127.0.0.1:0;bad", "bad")]
    [InlineData(";", ";")]
    [InlineData("http://127.0.0.1:7071", null)]
    [InlineData("http://localhost:0;https://[::1]:8443", null)]
    [InlineData("http://*:5000", null)]
    public void InvalidUrl_NamesTheFirstEntryKestrelCannotListenOn(string urls, string? invalid) =>
        Assert.Equal(invalid, ServeGuard.InvalidUrl(urls));

    [Fact]
    public async Task UrlsThatAreNotAUrl_AreRefusedAsSuch()
    {
        var (exit, listening, error) = await ServeAsync(["--urls", "notaurl"], []);

        Assert.True(exit == 2, $"exit {exit}, listening on {string.Join(", ", listening)}\n{error}");
        Assert.Contains("'notaurl' is not a valid URL", error, StringComparison.Ordinal);
        Assert.DoesNotContain("loopback", error, StringComparison.Ordinal);
        Assert.Contains("hint: acs-diag serve --help", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAddressInUse_IsOneLineThatSaysSo()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";

        var (exit, listening, error) = await ServeAsync(["--urls", url], []);

        Assert.True(exit == 1, $"exit {exit}, listening on {string.Join(", ", listening)}\n{error}");
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains($"{url} is already in use", line, StringComparison.Ordinal);
        Assert.Contains("--urls", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StorageUnavailable_Answers503_AndServeLogsTheCause()
    {
        // The 503's detail sends the caller to "the host's log": for acs-diag serve that is its standard error, which
        // must then name the storage endpoint that failed.
        var storage = UnreachableStorage.ClosedPort(out var port);
        HttpStatusCode? status = null;

        var (_, listening, error) = await ServeAsync(["--urls", "http://127.0.0.1:0"], [], storage: storage, probe: async url =>
        {
            using var http = new HttpClient();
            using var response = await http.GetAsync(new Uri($"{url}/api/query/api-requests?from=now-1h&to=now"));
            status = response.StatusCode;
            await Task.Delay(500); // the log line is written on the server's side
        });

        Assert.NotEmpty(listening);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("Query api-requests: storage unavailable", error, StringComparison.Ordinal);
        Assert.Contains($"cannot reach table storage at http://127.0.0.1:{port}: connection refused", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DemoServe_AnAddressInUse_FailsAtOnceWithTheSameLineAsServe()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";

        var (exit, output, error) = await CliProcess.RunAsync(["demo", "--serve", "--urls", url], new Dictionary<string, string?>());

        Assert.True(exit == 1, $"exit {exit}\n{error}");
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Equal($"error: {url} is already in use by another process: stop it, or pick another address with --urls (e.g. http://127.0.0.1:0 for any free port).", line);
        Assert.DoesNotContain("Ingesting", output, StringComparison.Ordinal); // refused before the demo's work, not after it
    }

    [Theory]
    [InlineData("serve")]
    [InlineData("demo")]
    public async Task UrlsThatAreNotAUrl_SameErrorFromServeAndDemo(string command)
    {
        var (exit, _, error) = await CliProcess.RunAsync([command, .. command == "demo" ? ["--serve"] : Array.Empty<string>(), "--urls", "notaurl", "--storage", "UseDevelopmentStorage=true"], new Dictionary<string, string?>());

        Assert.True(exit == 2, $"exit {exit}\n{error}");
        Assert.Contains("error: --urls: 'notaurl' is not a valid URL; use e.g. http://127.0.0.1:7071 (several separated by ';').", error, StringComparison.Ordinal);
        Assert.Contains($"hint: acs-diag {command} --help shows the usage.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DemoUrlsWithoutServe_IsABadArgument()
    {
        var (exit, output, error) = await CliProcess.RunAsync(["demo", "--urls", "http://127.0.0.1:0"], new Dictionary<string, string?>());

        Assert.True(exit == 2, $"exit {exit}\n{error}");
        Assert.Contains("add --serve", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Ingesting", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoopbackServer_AnswersLoopbackHostsAndRefusesAForeignHost()
    {
        var (exit, listening, error) = await ServeAsync(["--urls", "http://127.0.0.1:0"], [], probe: async address =>
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(address, host: null));
            Assert.Equal(HttpStatusCode.BadRequest, await StatusAsync(address, "evil.example"));
            Assert.Equal(HttpStatusCode.BadRequest, await StatusAsync(address, "evil.example:" + new Uri(address).Port));
        });

        Assert.True(listening.Count > 0, error);
        Assert.All(listening, a => Assert.True(ServeGuard.IsLoopbackAddress(a), a));
    }

    [Fact]
    public async Task AllowRemoteWithAHost_ListensBeyondLoopbackAndAnswersOnlyThatHost()
    {
        var (_, listening, error) = await ServeAsync(
            ["--urls", "http://0.0.0.0:0", "--allow-remote", "dash.example"], [], probe: async address =>
            {
                var local = "http://127.0.0.1:" + new Uri(address).Port;
                Assert.Equal(HttpStatusCode.OK, await StatusAsync(local, "dash.example"));
                Assert.Equal(HttpStatusCode.OK, await StatusAsync(local, host: null));
                Assert.Equal(HttpStatusCode.BadRequest, await StatusAsync(local, "evil.example"));
            });

        Assert.Contains(listening, a => a.Contains("0.0.0.0", StringComparison.Ordinal));
        Assert.DoesNotContain("error:", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.OK)]
    [InlineData("localhost", HttpStatusCode.OK)]
    [InlineData("LOCALHOST:7071", HttpStatusCode.OK)]
    [InlineData("127.0.0.1", HttpStatusCode.OK)]
    [InlineData("127.0.0.2:80", HttpStatusCode.OK)]
    [InlineData("[::1]:7071", HttpStatusCode.OK)]
    [InlineData("evil.example", HttpStatusCode.BadRequest)]
    [InlineData("evil.example:7071", HttpStatusCode.BadRequest)]
    [InlineData("localhost.evil.example", HttpStatusCode.BadRequest)]
    [InlineData("127.0.0.1.nip.io", HttpStatusCode.BadRequest)]
    [InlineData("10.0.0.4", HttpStatusCode.BadRequest)]
    public async Task HostHeader_OnlyLoopbackNamesByDefault(string? host, HttpStatusCode expected)
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await using var app = QueryApi.Build(storage.Services.GetRequiredService<QueryService>(), "http://127.0.0.1:0", []);
        await app.StartAsync();

        Assert.Equal(expected, await StatusAsync(app.Urls.First(), host, "/api/query/api-requests?from=2021-07-01&to=2021-07-02"));
    }

    [Theory]
    [InlineData("dash.example", "dash.example", HttpStatusCode.OK)]
    [InlineData("dash.example", "DASH.example.:8080", HttpStatusCode.OK)]
    [InlineData("dash.example", "evil.example", HttpStatusCode.BadRequest)]
    [InlineData("*", "evil.example", HttpStatusCode.OK)]
    public async Task HostHeader_AllowRemoteNamesMoreHosts(string allowed, string host, HttpStatusCode expected)
    {
        await using var storage = TestStorage.Create(azurite.ConnectionString);
        await using var app = QueryApi.Build(storage.Services.GetRequiredService<QueryService>(), "http://127.0.0.1:0", [], guard: new ServeGuard(allowRemote: true, [allowed]));
        await app.StartAsync();

        Assert.Equal(expected, await StatusAsync(app.Urls.First(), host));
    }

    private static async Task<HttpStatusCode> StatusAsync(string address, string? host, string path = "/api/query")
    {
        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>
    /// <c>acs-diag serve</c> with storage not running (the README's first try without Azurite): each query answers 503 and
    /// the log says why in one line — before, every query (the dashboard polls) wrote the exception's whole stack trace
    /// to the console. <c>--verbose</c> keeps the stack trace, as for every command's errors.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Serve_StorageNotRunning_LogsTheCauseInOneLine_StackTraceOnlyWithVerbose(bool verbose)
    {
        var storage = UnreachableStorage.ClosedPort(out var port);
        string[] args = verbose ? ["--urls", "http://127.0.0.1:0", "--verbose"] : ["--urls", "http://127.0.0.1:0"];

        var (_, listening, error) = await ServeAsync(args, [], probe: async address =>
        {
            using var http = new HttpClient();
            using var response = await http.GetAsync(new Uri(address.TrimEnd('/') + "/api/query/api-requests?from=now-1h&to=now"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            await Task.Delay(TimeSpan.FromSeconds(2)); // the console logger writes on its own thread
        }, storage: storage);

        Assert.NotEmpty(listening);
        Assert.Contains($"[4220] Query api-requests: storage unavailable", error, StringComparison.Ordinal);
        Assert.Contains($"cannot reach table storage at http://127.0.0.1:{port}: connection refused", error, StringComparison.Ordinal);
        Assert.Equal(verbose, error.Contains("   at ", StringComparison.Ordinal));
        Assert.Equal(verbose, error.Contains("StorageUnavailableException", StringComparison.Ordinal));
    }

    /// <summary>
    /// Runs <c>acs-diag serve</c> until it exits or says where it listens; then runs <paramref name="probe"/> against
    /// the first address and stops it. Returns the exit code (−1 when it was stopped), the addresses and standard error.
    /// </summary>
    private static async Task<(int Exit, IReadOnlyList<string> Listening, string Error)> ServeAsync(
        string[] args, Dictionary<string, string?> environment, string? workingDirectory = null, Func<string, Task>? probe = null, string storage = "UseDevelopmentStorage=true")
    {
        using var process = CliProcess.Start(["serve", .. args, "--storage", storage], environment, workingDirectory: workingDirectory);
        var error = new System.Text.StringBuilder();
        var listening = new TaskCompletionSource<IReadOnlyList<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (error)
            {
                error.AppendLine(e.Data);
            }

            const string Marker = "listening on ";
            var at = e.Data.IndexOf(Marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                var rest = e.Data[(at + Marker.Length)..];
                listening.TrySetResult([.. rest[..rest.IndexOf(" (", StringComparison.Ordinal)].Split(", ")]);
            }
        };
        process.BeginErrorReadLine();
        _ = process.StandardOutput.ReadToEndAsync();
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(exited, listening.Task, Task.Delay(TimeSpan.FromSeconds(60)));
        IReadOnlyList<string> addresses = [];
        try
        {
            if (first == listening.Task)
            {
                addresses = await listening.Task;
                if (probe is not null)
                {
                    await probe(addresses[0]);
                }
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
        }

        lock (error)
        {
            return (first == exited ? process.ExitCode : -1, addresses, error.ToString());
        }
    }
}
