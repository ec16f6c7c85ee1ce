using AcsFunctions.Queries;
using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AcsFunctions.Reconcile;

/// <summary>Registers the reconciliation against platform metrics.</summary>
public static class ReconcileServiceCollectionExtensions
{
    /// <summary>Configuration key of the metrics API base URL (env <c>AcsFunctions__Reconcile__MetricsEndpoint</c>).</summary>
    public const string MetricsEndpointKey = ReconcileOptions.SectionName + ":" + nameof(ReconcileOptions.MetricsEndpoint);

    /// <summary>
    /// Adds <see cref="ReconcileService"/>, the scheduled <see cref="ReconcileJob"/> and its store, the
    /// <c>reconciliation</c> query kind, our counts from <c>AggApiRequests</c>, and the Azure Monitor client
    /// (credential: a registered <see cref="TokenCredential"/>, else <see cref="DefaultAzureCredential"/>; options:
    /// a registered <see cref="PlatformMetricsClientOptions"/>, else <see cref="ReconcileOptions.MetricsEndpoint"/>, else the public cloud).
    /// </summary>
    public static IServiceCollection AddReconcile(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReconcileOptions>()
            .Bind(configuration.GetSection(ReconcileOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<IApiRequestCounts, AggApiRequestCounts>();
        services.TryAddSingleton<IPlatformMetricsClient>(sp => new AzureMonitorMetricsClient(
            sp.GetService<TokenCredential>() ?? new DefaultAzureCredential(),
            sp.GetService<PlatformMetricsClientOptions>() ?? FromOptions(sp.GetRequiredService<IOptions<ReconcileOptions>>().Value),
            sp.GetRequiredService<ILogger<AzureMonitorMetricsClient>>()));
        services.TryAddSingleton<ReconcileService>();
        services.TryAddSingleton<ReconcileResultStore>();
        services.TryAddSingleton<ReconcileJob>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IQueryKind, ReconciliationQuery>());
        return services;
    }

    private static PlatformMetricsClientOptions FromOptions(ReconcileOptions reconcile)
    {
        var options = new PlatformMetricsClientOptions();
        if (reconcile.MetricsEndpoint is { } endpoint)
        {
            options.Endpoint = endpoint.AbsoluteUri.EndsWith('/') ? endpoint : new Uri(endpoint.AbsoluteUri + "/");
        }

        return options;
    }
}
