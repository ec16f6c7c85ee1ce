using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AcsFunctions.Cli.Serve;

/// <summary>
/// The local dashboard of <c>acs-diag serve</c>: a single page at <c>/</c> (plain HTML, JS and CSS from
/// <c>src/AcsFunctions.Cli/Serve/Dashboard</c>) and Chart.js from npm, all embedded in the CLI at build time — no CDN,
/// works offline. The page is just another client of <c>GET /api/query/{kind}</c>.
/// </summary>
internal static class DashboardFiles
{
    private const string Prefix = "dashboard/";

    private static readonly Dictionary<string, string> _contentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
    };

    /// <summary>The embedded file names (without the <c>dashboard/</c> prefix).</summary>
    public static IReadOnlyList<string> Names { get; } =
        [.. typeof(DashboardFiles).Assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Select(n => n[Prefix.Length..])];

    /// <summary>Maps <c>GET /</c> (the page) and <c>GET /dashboard/{file}</c> (its scripts and styles).</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => File("index.html"));
        app.MapGet("/dashboard/{file}", (string file) => File(file));
    }

    private static IResult File(string name)
    {
        if (!Names.Contains(name, StringComparer.Ordinal)
            || Assembly.GetExecutingAssembly().GetManifestResourceStream(Prefix + name) is not { } stream)
        {
            return Results.NotFound();
        }

        var type = _contentTypes.GetValueOrDefault(Path.GetExtension(name), "application/octet-stream");
        return Results.Stream(stream, type);
    }
}
