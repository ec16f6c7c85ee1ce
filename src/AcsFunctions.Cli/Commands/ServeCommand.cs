using System.CommandLine;
using AcsFunctions.Cli.Output;
using AcsFunctions.Cli.Serve;
using AcsFunctions.Queries;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Cli.Commands;

/// <summary>
/// <c>acs-diag serve [--urls http://127.0.0.1:7071] [--allow-remote [host]...] [--cors-origin url]... [--storage]</c>: the HTTP query API
/// (<c>GET /api/query/{kind}</c>) locally, the same routes and JSON as the Functions app and <c>acs-diag query</c>.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "Where to listen (';'-separated). Loopback by default; a non-loopback address needs --allow-remote.", DefaultValueFactory = _ => "http://127.0.0.1:7071" };
        var allowRemote = new Option<string[]>("--allow-remote")
        {
            Description = "Allow listening beyond loopback (the API has no authentication), optionally naming the hosts requests may address in their Host header besides loopback and the bound addresses ('*': any).",
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = true,
        };
        var cors = new Option<string[]>("--cors-origin") { Description = "An origin allowed to call the API from a browser (repeatable), e.g. https://portal.azure.com.", AllowMultipleArgumentsPerToken = true };
        var storage = CommonOptions.Storage();
        var command = new Command("serve", "Serve the query API (GET /api/query/{kind}?from=&to=&interval=&resource=&category=&operation=&view=) over the roll-ups.")
        {
            urls, allowRemote, cors, storage,
        };
        command.SetAction(async (parse, ct) =>
        {
            var listen = parse.GetValue(urls)!;
            if (ServeGuard.InvalidUrl(listen) is { } invalid)
            {
                await Console.Error.WriteLineAsync($"error: --urls: '{TerminalText.Plain(invalid)}' is not a valid URL; use e.g. http://127.0.0.1:7071 (several separated by ';').");
                await Console.Error.WriteLineAsync("hint: acs-diag serve --help shows the usage.");
                return ExitCodes.InvalidArguments;
            }

            var guard = new ServeGuard(parse.GetResult(allowRemote) is not null, parse.GetValue(allowRemote) ?? []);
            if (!guard.AllowRemote && !QueryApi.IsLoopbackOnly(listen))
            {
                await Console.Error.WriteLineAsync($"error: --urls {listen} is not loopback-only; the API has no authentication. Pass --allow-remote to expose it anyway.");
                return ExitCodes.InvalidArguments;
            }

            await using var services = CliHost.Build(CommonOptions.ResolveStorage(parse.GetValue(storage)));
            await using var app = QueryApi.Build(services.GetRequiredService<QueryService>(), listen, parse.GetValue(cors) ?? [], guard: guard);
            try
            {
                await app.StartAsync(ct);
            }
            catch (IOException ex) when (ServeGuard.IsAddressInUse(ex))
            {
                await Console.Error.WriteLineAsync($"error: {TerminalText.Plain(listen)} is already in use by another process: stop it, or pick another address with --urls (e.g. http://127.0.0.1:0 for any free port).");
                return ExitCodes.Failure;
            }
            catch (IOException ex)
            {
                await Console.Error.WriteLineAsync($"error: cannot listen on {listen}: {ex.Message.Split('\n')[0].Trim()}");
                return ExitCodes.Failure;
            }

            // Configuration can add or replace endpoints (appsettings.json in the working directory, Kestrel__Endpoints__*,
            // ASPNETCORE_URLS): check what was really bound. Until this check passes the guard answers nothing (503).
            var remote = ServeGuard.NonLoopback(app.Urls);
            if (remote.Count > 0 && !guard.AllowRemote)
            {
                await app.StopAsync(CancellationToken.None);
                await Console.Error.WriteLineAsync(
                    $"error: the server bound {string.Join(", ", remote)}, which is not loopback (--urls was {listen}): Kestrel endpoints from configuration " +
                    "(appsettings.json in the working directory, Kestrel__Endpoints__* or ASPNETCORE_URLS) override --urls. Remove them, or pass --allow-remote to expose the API (it has no authentication).");
                return ExitCodes.InvalidArguments;
            }

            await Console.Error.WriteLineAsync($"acs-diag serve: listening on {string.Join(", ", app.Urls)} (GET /api/query/{{kind}}; dashboard at {DashboardHost.Address(app.Urls.First(), null)}); Ctrl+C to stop.");
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
            }

            await app.StopAsync(CancellationToken.None);
            return ExitCodes.Success;
        });
        return command;
    }
}
