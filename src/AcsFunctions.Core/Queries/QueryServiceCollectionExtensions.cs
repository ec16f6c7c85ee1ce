using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AcsFunctions.Queries;

/// <summary>Registers <see cref="QueryService"/> and the aggregate query kinds (called by <c>AddRollups</c>).</summary>
public static class QueryServiceCollectionExtensions
{
    /// <summary>Adds the query service, its options and the call and dead-letter kinds (the kinds of a category's aggregates are registered by its schema folder's category module).</summary>
    public static IServiceCollection AddQueries(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<QueryOptions>()
            .Bind(configuration.GetSection(QueryOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IQueryKind, CallsQuery>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IQueryKind, CallVolumeQuery>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IQueryKind, CallQualityQuery>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IQueryKind, DeadLettersQuery>());
        services.TryAddSingleton<PendingWindows>();
        services.TryAddSingleton<QueryService>();
        return services;
    }
}
