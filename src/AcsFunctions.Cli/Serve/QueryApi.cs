using AcsFunctions.Queries;
using AcsFunctions.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AcsFunctions.Cli.Serve;

/// <summary>
/// The local HTTP query API of <c>acs-diag serve</c>: <c>GET /api/query/{kind}</c> with the same query-string
/// parameters and the same JSON as <c>acs-diag query --format json</c> (both go through <see cref="QueryService"/>).
/// Bad parameters answer 400 problem details naming the parameter; unknown kinds 404.
/// </summary>
internal static class QueryApi
{
    /// <summary>
    /// Builds (does not start) the web application over an existing <see cref="QueryService"/>. Every request passes
    /// <paramref name="guard"/> (default: loopback only): answered with 503 while the server is bound beyond loopback
    /// without <c>--allow-remote</c>, and with 400 when its Host header is not an allowed host.
    /// </summary>
    public static WebApplication Build(QueryService queries, string urls, IReadOnlyList<string> corsOrigins, ILoggerFactory? loggerFactory = null, ServeGuard? guard = null)
    {
        guard ??= ServeGuard.LoopbackOnly;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(urls);
        builder.Logging.ClearProviders();
        if (loggerFactory is not null)
        {
            builder.Services.AddSingleton(loggerFactory);
        }

        builder.Services.AddProblemDetails();
        builder.Services.AddCors(o => o.AddDefaultPolicy(p =>
        {
            if (corsOrigins.Count > 0)
            {
                p.WithOrigins([.. corsOrigins]).WithMethods("GET").AllowAnyHeader();
            }
        }));
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            var bound = app.Urls;
            if (!guard.AllowRemote && ServeGuard.NonLoopback(bound).Count > 0)
            {
                await Results.Problem(
                    title: "Not serving beyond loopback",
                    detail: "The server is bound to a non-loopback address without --allow-remote; it answers nothing.",
                    statusCode: StatusCodes.Status503ServiceUnavailable).ExecuteAsync(context);
                return;
            }

            if (!guard.AllowsHost(context.Request.Host, bound))
            {
                await Results.Problem(
                    title: "Host not allowed",
                    detail: "The Host header names neither a loopback host nor one allowed by --allow-remote <host> (DNS-rebinding guard).",
                    statusCode: StatusCodes.Status400BadRequest).ExecuteAsync(context);
                return;
            }

            await next(context);
        });
        app.UseCors();
        app.MapGet("/api/query", () => Results.Ok(queries.Kinds));
        app.MapGet("/api/query/{kind}", (string kind, HttpRequest request, CancellationToken ct) => QueryAsync(queries, kind, request, ct));
        DashboardFiles.Map(app);
        return app;
    }

    /// <summary>True when every address in <paramref name="urls"/> is a loopback host.</summary>
    public static bool IsLoopbackOnly(string urls) =>
        urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).All(ServeGuard.IsLoopbackAddress);

    private static async Task<IResult> QueryAsync(QueryService queries, string kind, HttpRequest request, CancellationToken ct)
    {
        if (!queries.Kinds.Contains(kind, StringComparer.Ordinal))
        {
            return Results.Problem(
                title: "Unknown query kind",
                detail: $"'{kind}' is not a query kind; use one of {string.Join(", ", queries.Kinds)}.",
                statusCode: StatusCodes.Status404NotFound);
        }

        // Every name goes to the query service, which refuses the ones it does not know (a misspelt filter is an error,
        // not an unfiltered answer).
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in request.Query)
        {
            if (value.Count > 1)
            {
                return BadRequest(name, "is given more than once.");
            }

            values[name] = value.ToString();
        }

        try
        {
            var result = await queries.QueryAsync(kind, values, ct);
            return Results.Text(result.Json, "application/json", System.Text.Encoding.UTF8);
        }
        catch (QueryParameterException ex)
        {
            return BadRequest(ex.ParamName ?? "query", ex.Problem);
        }
        catch (StorageUnavailableException ex)
        {
            return Results.Problem(title: "Storage unavailable", detail: ex.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static IResult BadRequest(string parameter, string problem) =>
        Results.Problem(
            title: "Invalid query parameter",
            detail: $"{parameter}: {problem}",
            statusCode: StatusCodes.Status400BadRequest,
            extensions: new Dictionary<string, object?> { ["parameter"] = parameter });
}
