using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace AcsFunctions.Reconcile;

/// <summary>Registers the reconciliation against platform metrics.</summary>
public static class ReconcileServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ReconcileService"/>, our counts from <c>AggApiRequests</c>, and the Azure Monitor client
    /// (credential: a registered <see cref="TokenCredential"/>, else <see cref="DefaultAzureCredential"/>; options:
    /// a registered <see cref="PlatformMetricsClientOptions"/>, else <c>AcsFunctions:Reconcile:MetricsEndpoint</c>, else the public cloud).
    /// </summary>
    public static IServiceCollection AddReconcile(this IServiceCollection services)
    {
        services.TryAddSingleton<IApiRequestCounts, AggApiRequestCounts>();
        services.TryAddSingleton<IPlatformMetricsClient>(sp => new AzureMonitorMetricsClient(
            sp.GetService<TokenCredential>() ?? new DefaultAzureCredential(),
            sp.GetService<PlatformMetricsClientOptions>() ?? FromConfiguration(sp.GetService<IConfiguration>()),
            sp.GetRequiredService<ILogger<AzureMonitorMetricsClient>>()));
        services.TryAddSingleton<ReconcileService>();
        return services;
    }

    private static PlatformMetricsClientOptions FromConfiguration(IConfiguration? configuration)
    {
        var options = new PlatformMetricsClientOptions();
        if (configuration?[MetricsEndpointKey] is { Length: > 0 } endpoint)
        {
            options.Endpoint = new Uri(endpoint.EndsWith('/') ? endpoint : endpoint + "/", UriKind.Absolute);
        }

        return options;
    }

    /// <summary>Configuration key of the metrics API base URL (env <c>AcsFunctions__Reconcile__MetricsEndpoint</c>).</summary>
    public const string MetricsEndpointKey = "AcsFunctions:Reconcile:MetricsEndpoint";
}
