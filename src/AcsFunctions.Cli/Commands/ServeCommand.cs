using System.CommandLine;
using AcsFunctions.Cli.Serve;
using AcsFunctions.Queries;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AcsFunctions.Cli.Commands;

/// <summary>
/// <c>acs-diag serve [--urls http://127.0.0.1:7071] [--allow-remote [host]...] [--cors-origin url]... [--storage]</c>: the HTTP query API
/// (<c>GET /api/query/{kind}</c>) locally, the same routes and JSON as the Functions app and <c>acs-diag query</c>.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "Where to listen (';'-separated). Loopback by default; a non-loopback address needs --allow-remote.", DefaultValueFactory = _ => ServeStartup.DefaultUrls };
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
            var guard = new ServeGuard(parse.GetResult(allowRemote) is not null, parse.GetValue(allowRemote) ?? []);
            if (await ServeStartup.CheckUrlsAsync(listen, "serve", guard) is { } refused)
            {
                return refused;
            }

            await using var services = CliHost.Build(CommonOptions.ResolveStorage(parse.GetValue(storage)));
            await using var app = QueryApi.Build(services.GetRequiredService<QueryService>(), listen, parse.GetValue(cors) ?? [], services.GetRequiredService<ILoggerFactory>(), guard);
            if (await ServeStartup.StartAsync(app, listen, "serve", guard, ct) is { } failed)
            {
                return failed;
            }

            await Console.Error.WriteLineAsync($"acs-diag serve: listening on {string.Join(", ", app.Urls)} (GET /api/query/{{kind}}; dashboard at {DashboardHost.Address(app.Urls.First(), null)}); Ctrl+C to stop.");
            await ServeStartup.ServeUntilCancelledAsync(app, ct);
            return ExitCodes.Success;
        });
        return command;
    }
}
