using System.CommandLine;
using AcsFunctions.Cli.Serve;
using AcsFunctions.Queries;
using Microsoft.Extensions.DependencyInjection;

namespace AcsFunctions.Cli.Commands;

/// <summary>
/// <c>acs-diag serve [--urls http://127.0.0.1:7071] [--cors-origin url]... [--storage]</c>: the HTTP query API
/// (<c>GET /api/query/{kind}</c>) locally, the same routes and JSON as the Functions app and <c>acs-diag query</c>.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "Where to listen (';'-separated). Loopback by default; a non-loopback address needs --allow-remote.", DefaultValueFactory = _ => "http://127.0.0.1:7071" };
        var allowRemote = new Option<bool>("--allow-remote") { Description = "Allow listening on a non-loopback address (the API has no authentication)." };
        var cors = new Option<string[]>("--cors-origin") { Description = "An origin allowed to call the API from a browser (repeatable), e.g. https://portal.azure.com.", AllowMultipleArgumentsPerToken = true };
        var storage = CommonOptions.Storage();
        var command = new Command("serve", "Serve the query API (GET /api/query/{kind}?from=&to=&interval=&resource=&category=&operation=&view=) over the roll-ups.")
        {
            urls, allowRemote, cors, storage,
        };
        command.SetAction(async (parse, ct) =>
        {
            var listen = parse.GetValue(urls)!;
            if (!parse.GetValue(allowRemote) && !QueryApi.IsLoopbackOnly(listen))
            {
                await Console.Error.WriteLineAsync($"error: --urls {listen} is not loopback-only; the API has no authentication. Pass --allow-remote to expose it anyway.");
                return ExitCodes.InvalidArguments;
            }

            await using var services = CliHost.Build(CommonOptions.ResolveStorage(parse.GetValue(storage)));
            await using var app = QueryApi.Build(services.GetRequiredService<QueryService>(), listen, parse.GetValue(cors) ?? []);
            await app.StartAsync(ct);
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
