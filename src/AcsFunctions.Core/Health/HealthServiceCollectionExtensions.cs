using AcsFunctions.Ingestion;
using AcsFunctions.Queries;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AcsFunctions.Health;

/// <summary>Registers the pipeline-health counters (an ingest observer) and the <c>health</c> query kind.</summary>
public static class HealthServiceCollectionExtensions
{
    /// <summary>Adds <see cref="HealthStore"/>, <see cref="HealthObserver"/> and <see cref="HealthQuery"/>.</summary>
    public static IServiceCollection AddHealth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HealthOptions>().Bind(configuration.GetSection(HealthOptions.SectionName));
        services.TryAddSingleton<HealthStore>();
        services.TryAddSingleton<HealthObserver>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IIngestObserver, HealthObserver>(sp => sp.GetRequiredService<HealthObserver>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IQueryKind, HealthQuery>());
        return services;
    }
}
