using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;

namespace AcsFunctions.Cli.Serve;

/// <summary>A dashboard range worth opening: what it shows, its UTC range and the tab to open (null: the first).</summary>
internal sealed record DashboardView(string Label, DateTimeOffset From, DateTimeOffset To, string? Tab);

/// <summary>Serves the query API and the dashboard until cancelled (Ctrl+C): <c>acs-diag demo --serve</c>.</summary>
internal static class DashboardHost
{
    /// <summary>The dashboard address, for a range when given (the page reads <c>from</c>, <c>to</c> and <c>tab</c> from its query string).</summary>
    public static string Address(string baseUrl, DashboardView? view) =>
        view is null
            ? baseUrl.TrimEnd('/') + "/"
            : $"{baseUrl.TrimEnd('/')}/?from={Iso(view.From)}&to={Iso(view.To)}" + (view.Tab is { } tab ? "&tab=" + tab : string.Empty);

    /// <summary>
    /// Serves the started API and dashboard <paramref name="app"/>: writes an address per view (the last one, the last
    /// line, starts with <c>Dashboard: </c>), opens the last in the default browser when <paramref name="open"/>, and
    /// serves until <paramref name="cancellationToken"/> fires (Ctrl+C).
    /// </summary>
    public static async Task ServeAsync(WebApplication app, IReadOnlyList<DashboardView> views, bool open, CancellationToken cancellationToken)
    {
        var baseUrl = app.Urls.First();
        await Console.Error.WriteLineAsync("Serving the demo's data until Ctrl+C (the in-memory Azurite stops with it).");
        foreach (var view in views.SkipLast(1))
        {
            await Console.Out.WriteLineAsync($"The {view.Label}: {Address(baseUrl, view)}");
        }

        var address = Address(baseUrl, views.Count > 0 ? views[^1] : null);
        await Console.Out.WriteLineAsync($"Dashboard ({(views.Count > 0 ? views[^1].Label : "every range")}): {address}");
        await Console.Out.FlushAsync(cancellationToken);
        if (open)
        {
            TryOpen(address);
        }

        await ServeStartup.ServeUntilCancelledAsync(app, cancellationToken);
    }

    private static void TryOpen(string address)
    {
        try
        {
            using var _ = Process.Start(new ProcessStartInfo(address) { UseShellExecute = true });
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            Console.Error.WriteLine($"Could not open a browser ({ex.Message}); open {address} yourself.");
        }
    }

    private static string Iso(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture);
}
