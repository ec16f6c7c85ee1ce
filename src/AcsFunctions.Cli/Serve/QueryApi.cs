using System.Collections.Specialized;
using AcsFunctions.Functions;
using AcsFunctions.Queries;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AcsFunctions.Cli.Serve;

/// <summary>
/// The ASP.NET Core host of <c>acs-diag serve</c>: <c>GET /api/query/{kind}</c> is answered by <see cref="QueryEndpoint"/>,
/// the same endpoint as the Functions route (same JSON, status codes and problem details); this host adds only what a
/// local server needs: the loopback/Host guard, CORS, <c>GET /api/query</c> (the kinds) and the dashboard.
/// </summary>
internal static class QueryApi
{
    /// <summary>
    /// Builds (does not start) the web application over an existing <see cref="QueryService"/>. Every request passes
    /// <paramref name="guard"/> (default: loopback only): answered with 503 while the server is bound beyond loopback
    /// without <c>--allow-remote</c>, and with 400 when its Host header is not an allowed host. The query endpoint logs to
    /// <paramref name="loggerFactory"/> (the command's: standard error, <c>Logging__LogLevel__*</c>), where a 503's detail
    /// sends the caller ("the cause is in the host's log").
    /// </summary>
    public static WebApplication Build(QueryService queries, string urls, IReadOnlyList<string> corsOrigins, ILoggerFactory? loggerFactory = null, ServeGuard? guard = null)
    {
        guard ??= ServeGuard.LoopbackOnly;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(urls);
        builder.Logging.ClearProviders(); // the host's own logs (Kestrel's failure to bind, with its stack trace) stay out: the command says it in one line

        builder.Services.AddProblemDetails();
        builder.Services.AddCors(o => o.AddDefaultPolicy(p =>
        {
            if (corsOrigins.Count > 0)
            {
                p.WithOrigins([.. corsOrigins]).WithMethods("GET").AllowAnyHeader().WithExposedHeaders(QueryEndpoint.ExpiredHeader);
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
        var endpoint = new QueryEndpoint(queries, (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<QueryEndpoint>());
        app.MapGet("/api/query/{kind}", (string kind, HttpContext context) => QueryAsync(endpoint, kind, context));
        DashboardFiles.Map(app);
        return app;
    }

    /// <summary>True when every address in <paramref name="urls"/> is a loopback host.</summary>
    public static bool IsLoopbackOnly(string urls) =>
        urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).All(ServeGuard.IsLoopbackAddress);

    /// <summary>Answers one query, writing the body straight to the response stream (no string, no whole-answer buffer).</summary>
    private static async Task QueryAsync(QueryEndpoint endpoint, string kind, HttpContext context)
    {
        var ct = context.RequestAborted;
        var query = new NameValueCollection(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in context.Request.Query)
        {
            foreach (var value in values)
            {
                query.Add(name, value);
            }
        }

        var answer = await endpoint.HandleAsync(kind, query, ct);
        context.Response.StatusCode = answer.StatusCode;
        context.Response.ContentType = answer.ContentType;
        foreach (var (name, value) in answer.Headers)
        {
            context.Response.Headers[name] = value;
        }

        await answer.WriteBodyAsync(context.Response.Body, ct);
    }
}
