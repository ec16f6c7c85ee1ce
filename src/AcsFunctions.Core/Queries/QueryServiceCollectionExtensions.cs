using AcsFunctions.Rollups;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AcsFunctions.Queries;

/// <summary>
/// Registers <see cref="QueryService"/> and the aggregate query kinds. Queries read what the roll-up writes (and
/// <see cref="PendingWindows"/> asks its aggregators which marks count), so this adds the roll-up too; the roll-up
/// registration never adds the queries (one direction: Queries → Rollups, pinned by <c>LayeringTests</c>).
/// </summary>
public static class QueryServiceCollectionExtensions
{
    /// <summary>Adds the query service, its options and the call and dead-letter kinds (the kinds of a category's aggregates are registered by its schema folder's category module).</summary>
    public static IServiceCollection AddQueries(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRollups(configuration);
        if (services.Any(d => d.ServiceType == typeof(QueryService)))
        {
            return services;
        }

        services.AddOptions<QueryOptions>()
            .Bind(configuration.GetSection(QueryOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IQueryKind, CallsQuery>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IQueryKind, CallVolumeQuery>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IQueryKind, CallQualityQuery>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IQueryKind, DeadLettersQuery>());
        services.TryAddSingleton<PendingWindows>();
        services.TryAddSingleton<ExpiredWindows>();
        services.TryAddSingleton<QueryService>();
        return services;
    }
}
