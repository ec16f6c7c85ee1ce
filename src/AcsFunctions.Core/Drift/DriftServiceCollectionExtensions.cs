using AcsFunctions.Ingestion;
using AcsFunctions.Queries;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AcsFunctions.Drift;

/// <summary>Registers schema-drift detection as an ingest observer.</summary>
public static class DriftServiceCollectionExtensions
{
    /// <summary>Adds <see cref="SchemaStore"/>, <see cref="SchemaDriftObserver"/> and the <c>schema</c> query kind.</summary>
    public static IServiceCollection AddSchemaDrift(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DriftOptions>()
            .Bind(configuration.GetSection(DriftOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<SchemaStore>();
        services.TryAddSingleton(sp => new DocumentedFields(sp.GetServices<DocumentedCategory>()));
        services.TryAddSingleton<SchemaDriftObserver>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IIngestObserver, SchemaDriftObserver>(sp => sp.GetRequiredService<SchemaDriftObserver>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IQueryKind, SchemaQuery>());
        return services;
    }
}
