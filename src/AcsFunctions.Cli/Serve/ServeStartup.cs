using AcsFunctions.Cli.Commands;
using AcsFunctions.Cli.Output;
using Microsoft.AspNetCore.Builder;

namespace AcsFunctions.Cli.Serve;

/// <summary>
/// The checks and the start shared by <c>acs-diag serve</c> and <c>acs-diag demo --serve</c>, so both refuse a bad
/// <c>--urls</c>, an address in use and a binding beyond loopback with the same one-line errors and exit codes.
/// </summary>
internal static class ServeStartup
{
    /// <summary>Where both commands listen by default.</summary>
    public const string DefaultUrls = "http://127.0.0.1:7071";

    /// <summary>
    /// Checks <paramref name="urls"/> before anything starts: an entry that is not an http/https URL (exit 2) or, unless
    /// <paramref name="guard"/> allows remote access, an address that is not loopback (exit 2). Writes the error and
    /// returns the exit code, or null when the value may be listened on.
    /// </summary>
    public static async Task<int?> CheckUrlsAsync(string urls, string command, ServeGuard guard)
    {
        if (ServeGuard.InvalidUrl(urls) is { } invalid)
        {
            await Console.Error.WriteLineAsync($"error: --urls: '{TerminalText.Plain(invalid)}' is not a valid URL; use e.g. {DefaultUrls} (several separated by ';').");
            await Console.Error.WriteLineAsync($"hint: acs-diag {command} --help shows the usage.");
            return ExitCodes.InvalidArguments;
        }

        if (!guard.AllowRemote && !QueryApi.IsLoopbackOnly(urls))
        {
            await Console.Error.WriteLineAsync($"error: --urls {TerminalText.Plain(urls)} is not loopback-only; the API has no authentication.{RemoteRemedy(command)}");
            return ExitCodes.InvalidArguments;
        }

        return null;
    }

    /// <summary>
    /// Starts <paramref name="app"/> (built by <see cref="QueryApi.Build"/> on <paramref name="urls"/>) and checks the
    /// addresses really bound: configuration can add or replace endpoints (appsettings.json in the working directory,
    /// <c>Kestrel__Endpoints__*</c>, <c>ASPNETCORE_URLS</c>); until this check passes the guard answers nothing (503).
    /// An address another process holds (exit 1), one that cannot be listened on (exit 1) or a binding beyond loopback
    /// without <c>--allow-remote</c> (exit 2, the server stopped) is one error line; returns its exit code, or null
    /// when serving.
    /// </summary>
    public static async Task<int?> StartAsync(WebApplication app, string urls, string command, ServeGuard guard, CancellationToken cancellationToken)
    {
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex) when (ServeGuard.IsAddressInUse(ex))
        {
            await Console.Error.WriteLineAsync($"error: {TerminalText.Plain(urls)} is already in use by another process: stop it, or pick another address with --urls (e.g. http://127.0.0.1:0 for any free port).");
            return ExitCodes.Failure;
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync($"error: cannot listen on {TerminalText.Plain(urls)}: {TerminalText.Plain(ex.Message.Split('\n')[0].Trim())}");
            return ExitCodes.Failure;
        }

        var remote = ServeGuard.NonLoopback(app.Urls);
        if (remote.Count > 0 && !guard.AllowRemote)
        {
            await app.StopAsync(CancellationToken.None);
            await Console.Error.WriteLineAsync(
                $"error: the server bound {string.Join(", ", remote)}, which is not loopback (--urls was {TerminalText.Plain(urls)}): Kestrel endpoints from configuration " +
                $"(appsettings.json in the working directory, Kestrel__Endpoints__* or ASPNETCORE_URLS) override --urls. Remove them.{RemoteRemedy(command)}");
            return ExitCodes.InvalidArguments;
        }

        return null;
    }

    /// <summary>Waits for Ctrl+C (<paramref name="cancellationToken"/>), then stops <paramref name="app"/>.</summary>
    public static async Task ServeUntilCancelledAsync(WebApplication app, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }

        await app.StopAsync(CancellationToken.None);
    }

    /// <summary>Only <c>serve</c> can expose the API beyond loopback.</summary>
    private static string RemoteRemedy(string command) =>
        command == "serve" ? " Pass --allow-remote to expose it anyway." : string.Empty;
}
