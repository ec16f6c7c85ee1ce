using System.Net;
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
    /// <summary>The parameters read from the query string (everything else is ignored).</summary>
    public static readonly string[] Parameters = ["from", "to", "interval", "resource", "category", "operation", "view"];

    /// <summary>Builds (does not start) the web application over an existing <see cref="QueryService"/>.</summary>
    public static WebApplication Build(QueryService queries, string urls, IReadOnlyList<string> corsOrigins, ILoggerFactory? loggerFactory = null)
    {
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
        app.UseCors();
        app.MapGet("/api/query", () => Results.Ok(queries.Kinds));
        app.MapGet("/api/query/{kind}", (string kind, HttpRequest request, CancellationToken ct) => QueryAsync(queries, kind, request, ct));
        DashboardFiles.Map(app);
        return app;
    }

    /// <summary>True when every address in <paramref name="urls"/> is a loopback host.</summary>
    public static bool IsLoopbackOnly(string urls) =>
        urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).All(u =>
            Uri.TryCreate(u, UriKind.Absolute, out var uri)
            && (uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip))));

    private static async Task<IResult> QueryAsync(QueryService queries, string kind, HttpRequest request, CancellationToken ct)
    {
        if (!queries.Kinds.Contains(kind, StringComparer.Ordinal))
        {
            return Results.Problem(
                title: "Unknown query kind",
                detail: $"'{kind}' is not a query kind; use one of {string.Join(", ", queries.Kinds)}.",
                statusCode: StatusCodes.Status404NotFound);
        }

        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in Parameters)
        {
            if (request.Query.TryGetValue(name, out var value))
            {
                if (value.Count > 1)
                {
                    return BadRequest(name, "is given more than once.");
                }

                values[name] = value.ToString();
            }
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
